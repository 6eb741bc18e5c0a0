"""What leaves for Prometheus: the /metrics collector and the snapshot of stored aggregates
it renders."""
