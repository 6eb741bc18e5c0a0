"""工单 search in SQL: any field or one, literal wildcards, filters, pages, and the role filter
applied inside the query."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.viewer import Role, Viewer
from monitor.views import search
from monitor.views.search import TicketQuery, filter_choices, search_tickets
from tests.conftest import local
from tests.dashboard.seed import fill

SUPERVISOR = Viewer("监理", Role.SUPERVISOR)


@pytest.fixture
def filled(engine: Engine, contract: Contract, calendar: BusinessCalendar) -> Engine:
    fill(engine, contract, calendar)
    return engine


def ids(engine: Engine, viewer: Viewer, **query: object) -> list[str]:
    page = search_tickets(engine, viewer, TicketQuery(page_size=200, **query))  # type: ignore[arg-type]
    return [line.ticket_id for line in page.rows]


def test_a_ticket_id_finds_exactly_that_ticket_with_its_violations(filled: Engine) -> None:
    page = search_tickets(filled, SUPERVISOR, TicketQuery(text="GZ-2022-0102"))
    assert page.total == 1
    (line,) = page.rows
    # major.restore breached (a week late) and major.report breached (6 days late).
    assert (line.ticket_id, line.system, line.violations, line.waived) == (
        "GZ-2022-0102",
        "重要业务系统",
        2,
        0,
    )


def test_any_field_matches_system_unit_and_title_case_insensitively(filled: Engine) -> None:
    assert ids(filled, SUPERVISOR, text="社保业务") == [
        "GZ-2022-0170",
        "JK-2022-0412",
        "GZ-2022-0031",
    ]
    assert ids(filled, SUPERVISOR, text="市卫健局") == [
        "GZ-2022-0171",
        "JK-2022-0533",
        "GZ-2022-0088",
    ]
    assert ids(filled, SUPERVISOR, text="gz-2022-017") == ["GZ-2022-0170", "GZ-2022-0171"]


def test_a_named_field_searches_only_that_field(filled: Engine) -> None:
    assert ids(filled, SUPERVISOR, text="社保", field="title") == ["GZ-2022-0170"]
    assert ids(filled, SUPERVISOR, text="社保", field="system") == [
        "GZ-2022-0170",
        "JK-2022-0412",
        "GZ-2022-0031",
    ]


def test_percent_and_underscore_in_the_search_are_matched_literally(filled: Engine) -> None:
    assert ids(filled, SUPERVISOR, text="90%") == ["JK-2022-0412"]  # CPU使用率持续超过90%
    assert ids(filled, SUPERVISOR, text="%") == ["JK-2022-0412"]
    assert ids(filled, SUPERVISOR, text="_") == ["GZ-2022-0171"]  # 预约挂号缓慢_排队
    assert ids(filled, SUPERVISOR, text="'; DROP TABLE ticket; --") == []
    assert search_tickets(filled, SUPERVISOR, TicketQuery()).total == 16


def test_filters_combine_pool_severity_state_and_period(filled: Engine) -> None:
    assert ids(filled, SUPERVISOR, pools=("二云",), severities=("major",)) == [
        "GZ-2022-0150",
        "GZ-2022-0102",
        "GZ-2022-0088",
    ]
    assert ids(filled, SUPERVISOR, state="open") == ["GZ-2022-0170", "JK-2022-0601", "GZ-2022-0171"]
    assert ids(
        filled,
        SUPERVISOR,
        state="violated",
        reported_from=local("2022-08-01 00:00"),
        reported_before=local("2022-09-01 00:00"),
    ) == ["GZ-2022-0102"]


def test_pages_cover_every_match_once(filled: Engine) -> None:
    first = search_tickets(filled, SUPERVISOR, TicketQuery(page=1, page_size=10))
    second = search_tickets(filled, SUPERVISOR, TicketQuery(page=2, page_size=10))
    assert (first.total, first.pages, len(first.rows), len(second.rows)) == (16, 2, 10, 6)
    assert not {r.pk for r in first.rows} & {r.pk for r in second.rows}


def test_an_operator_only_finds_its_own_pool_whatever_it_asks(filled: Engine) -> None:
    operator = Viewer("二云运营", Role.OPERATOR, pools=("二云",))
    assert ids(filled, operator, text="GZ-2022-0031") == []  # a 一云 ticket
    assert ids(filled, operator, text="GZ-2022-0031", pools=("一云",)) == []
    assert search_tickets(filled, operator, TicketQuery()).total == 8
    assert filter_choices(filled, operator)["pool"] == ["二云"]


def test_a_user_unit_only_finds_its_own_systems(filled: Engine) -> None:
    unit = Viewer("人社局", Role.USER_UNIT, units=("市人社局",))
    assert ids(filled, unit) == ["GZ-2022-0170", "JK-2022-0412", "GZ-2022-0031"]
    assert ids(filled, Viewer("无单位", Role.USER_UNIT)) == []


@pytest.mark.parametrize("text", ["GZ", "故障", "一云", "g", "nothing-like-it"])
def test_a_text_with_few_matches_pages_exactly_as_one_with_many(
    filled: Engine, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    """Read whole in one pass (few matches) or counted and paged by the index (many): the
    same totals, the same lines in the same newest-first order, page by page."""

    def pages() -> list[tuple[int, list[int]]]:
        found = []
        for number in range(1, 5):
            page = search_tickets(
                filled, SUPERVISOR, TicketQuery(text=text, page=number, page_size=3)
            )
            found.append((page.total, [line.pk for line in page.rows]))
        return found

    monkeypatch.setattr(search, "FEW_MATCHES", 10_000)
    read_whole = pages()
    monkeypatch.setattr(search, "FEW_MATCHES", 0)
    assert pages() == read_whole
