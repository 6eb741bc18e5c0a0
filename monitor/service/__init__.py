"""`slamon serve`: one process running the scheduler, the HTTP API and /metrics."""
