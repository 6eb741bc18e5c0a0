"""Collectors: everything that brings data in — files, service-desk APIs and Prometheus-compatible
metric stores — turned into rows for monitor.storage."""
