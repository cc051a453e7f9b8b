"""Text generation: the model registry, its backends (extractive, OpenAI-compatible, transformers) and prompts."""
