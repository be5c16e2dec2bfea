"""Headquarters (总部): the server venues sync to, on SQLite or PostgreSQL (docs/sync.md)."""
