"""Offline evaluation suites and their datasets."""
