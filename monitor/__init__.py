"""slamon: SLA and incident-compliance monitor for government clouds (政务云)."""

__version__ = "0.1.0"
