"""Ingestion (load, chunk, embed, upsert incrementally) and hybrid search over Qdrant."""
