"""How `slamon serve` and its worker process log: a line per record on stderr."""

from __future__ import annotations

import logging

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format=LOG_FORMAT)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per job run is noise
