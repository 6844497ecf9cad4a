"""Natural-language understanding: the Rasa project generated from the catalogue, training, PII masking.

A library: it knows the catalogue but nothing of channels, conversations or handoff.
"""
