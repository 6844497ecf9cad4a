"""The national service catalogue and the retrieval engine that searches it.

A library: it knows nothing of channels, conversations or handoff.
"""
