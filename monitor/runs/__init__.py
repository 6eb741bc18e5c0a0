"""Runs that read storage, compute with the pure layers and write back: an evaluation, a
period's measures, a period's scorecard."""
