"""The conversation engine: stores conversations, asks the Rasa engine, answers from the catalogue."""
