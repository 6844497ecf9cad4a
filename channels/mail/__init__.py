"""The email channel. `inbound.parse` turns one received message into an `InboundMail`: what to do with it
(process, ignore, reject), why, and the customer's new text with personal data masked."""
