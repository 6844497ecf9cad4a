"""Handoff to human experts and regional advisory: picks up conversations the assistant marked
`handoff_requested` (queues, routing and the agent console come with the handoff issue)."""
