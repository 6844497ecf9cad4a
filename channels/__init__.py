"""Channels (web chat, widget, email): each turns its transport's events into calls on the assistant."""
