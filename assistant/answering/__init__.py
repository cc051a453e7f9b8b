"""Answering a question: understanding, the answer pipeline, composing, grounding, conversations."""
