"""Persistence: SQLModel tables, the engine, and set-based reads and writes."""
