"""Alerts: which stages to announce, the persisted outbox, and one module per channel."""
