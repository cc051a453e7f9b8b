"""Synthetic certificates (generated on demand from a fixed seed) and the certificates eval."""
