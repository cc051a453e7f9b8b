"""The store: conversation turns, the audit trail and work orders (SQLite or PostgreSQL)."""
