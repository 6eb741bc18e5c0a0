"""The service tests' fixtures: a loopback webhook receiver and the `slamon serve` processes a
test starts (tests/serving.py)."""

from tests.serving import processes, receiver  # noqa: F401 (fixtures)
