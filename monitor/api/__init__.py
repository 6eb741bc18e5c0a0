"""The HTTP API (FastAPI): ticket ingest, queries, health, metrics, and its OpenAPI spec."""
