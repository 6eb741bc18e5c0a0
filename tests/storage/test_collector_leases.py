"""A collector's lease: one run holds it, another run finds it held until it runs out or is
handed back, and a run taken over can no longer renew it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from monitor.storage.collector_leases import claim_share, release_share, renew_share
from monitor.storage.collector_state import get_watermark
from tests.conftest import local

NOW = local("2022-07-03 09:00")
LEASE = timedelta(minutes=10)


def test_a_first_claim_stores_no_watermark(engine: Engine) -> None:
    assert claim_share(engine, "vm_up", NOW, NOW + LEASE) is not None
    assert get_watermark(engine, "vm_up") is None  # the run begins at its start


def test_a_held_collector_is_refused_to_another_run_until_its_lease_runs_out(
    engine: Engine,
) -> None:
    first = claim_share(engine, "vm_up", NOW, NOW + LEASE)
    assert first is not None
    assert claim_share(engine, "vm_up", NOW + LEASE, NOW + 2 * LEASE) is None
    second = claim_share(engine, "vm_up", NOW + LEASE + timedelta(seconds=1), NOW + LEASE)
    assert second not in (None, first)


def test_another_collector_is_claimed_while_one_is_held(engine: Engine) -> None:
    assert claim_share(engine, "vm_up", NOW, NOW + LEASE) is not None
    assert claim_share(engine, "vm_cpu", NOW, NOW + LEASE) is not None


def test_a_run_taken_over_cannot_renew_its_lease(engine: Engine) -> None:
    first = claim_share(engine, "vm_up", NOW, NOW + LEASE)
    later = NOW + 2 * LEASE
    second = claim_share(engine, "vm_up", later, later + LEASE)
    assert first is not None and second is not None
    with engine.begin() as connection:
        assert not renew_share(connection, "vm_up", first, later + 2 * LEASE)
        assert renew_share(connection, "vm_up", second, later + 2 * LEASE)
    # The renewal holds: a run just after the taken-over lease would have ended finds it held.
    assert claim_share(engine, "vm_up", later + LEASE, later + 2 * LEASE) is None


def test_a_handed_back_lease_is_free_at_once_and_not_by_an_old_token(engine: Engine) -> None:
    first = claim_share(engine, "vm_up", NOW, NOW + LEASE)
    assert first is not None
    release_share(engine, "vm_up", first)
    second = claim_share(engine, "vm_up", NOW, NOW + LEASE)
    assert second is not None
    release_share(engine, "vm_up", first)  # a stale hand-back frees nothing
    assert claim_share(engine, "vm_up", NOW, NOW + LEASE) is None
