"""The store: conversation turns, the audit trail and work orders (SQLite or PostgreSQL).

`base` holds the one declarative base and the engine; `migrate` (with `migrations/`) makes
the schema; `db` is the `Store` (turns, and the audit trail of `audit`, written in the
background); `workorders` the 事件单 lifecycle, shown through `public`'s models, with SLA
deadlines on `workdays`' calendar; `storable` is the masking everything written goes through.
"""
