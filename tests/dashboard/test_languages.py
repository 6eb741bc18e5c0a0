"""Every page in 中文 and in English, for the year and for the month: no target id, status code,
audit action or actor code on the page, and no sentence of the other language.

Proper names from the data (titles, pools, units, systems, contract and class names) are
Chinese in both languages; the English check strips them before it looks for Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import pytest
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.testing.v1 import AppTest

from dashboard import i18n
from monitor.contract.model import Contract, load_contract
from monitor.domain.tickets import Status
from monitor.storage.db import make_engine
from tests.dashboard.seed import AT, PASSWORD
from tests.dashboard.test_pages import APP, open_page, texts

PAGES = ("overview", "incidents", "incident", "violations", "availability", "inspections",
         "scorecard", "compare")  # fmt: skip
PERIODS = ("2022", f"{AT:%Y-%m}")
# A ticket whose detail page has every part: clocks, a breach, evidence.
DETAIL = "GZ-2022-0102"
# Codes a person never reads: they name things inside slamon.
CODES = (*(s.value for s in Status), "at_risk", "waiver.create", "waiver.request", "user.add",
         "rejudge")  # fmt: skip
ENGLISH_IN_CHINESE = ("coverage floor", "burn 1h", "closed without its stop event", "vm、physical",
                      "Traceback", "no data", "running")  # fmt: skip


@cache
def _target_ids() -> frozenset[str]:
    contract = load_contract()
    return frozenset(target.id for target in contract.targets)


def codes_on(page: str, lang: str) -> list[str]:
    """Target ids and status or audit codes standing as words of their own on the page (in
    English, a code that is an English word, like met or pending, is a word)."""
    codes = [c for c in CODES if lang == "zh" or re.search(r"[._]", c)]
    found = [code for code in codes if re.search(rf"(?<![\w.]){re.escape(code)}(?![\w.])", page)]
    found += [tid for tid in _target_ids() if re.search(rf"(?<![\w.]){re.escape(tid)}(?!\w)", page)]
    if re.search(r"(?<![\w.])cli(?![\w.])", page):
        found.append("cli")
    return found


def _lines_with(text: str, words: list[str]) -> str:
    """The page's lines that hold any of the words, for the failure message."""
    return "\n".join(line for line in text.splitlines() if any(w in line for w in words))


def _names(url: str, contract: Contract) -> list[str]:
    """Proper names that stay Chinese in English: the data's titles, systems, pools, units and
    operators, and the contract's names."""
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT title, system, pool, user_unit, operator FROM ticket"
        ).all()
        rows += connection.exec_driver_sql(
            "SELECT item, finding, inspector, measure, resolution_record FROM inspection"
        ).all()
    names = {str(value) for row in rows for value in row if value}
    with engine.connect() as connection:
        names |= {str(n) for (n,) in connection.exec_driver_sql("SELECT name FROM dashboard_user")}
    names |= {contract.name, *(c.name_zh for c in contract.availability.classes.values())}
    # The contract's own words, which it holds in Chinese only: its grades and clauses.
    names |= {band.grade for band in contract.grade_bands}
    names |= {target.rule_zh for target in contract.targets if target.rule_zh}
    # The sidebar's language and period widgets keep one bilingual label (see dashboard/i18n.py).
    names |= {i18n.TEXTS["language"][1], i18n.TEXTS["period"][1], *i18n.LANGUAGES.values()}
    engine.dispose()
    return sorted(names, key=len, reverse=True)


def _chinese_left(page: str, names: list[str]) -> list[str]:
    for name in names:
        page = page.replace(name, "")
    # Chinese punctuation counts too: an English sentence written with "：" or "（" is Chinese
    # typography.
    return re.findall(r"[\u4e00-\u9fff（）、，：；。][\u4e00-\u9fff\w（）、，：；。]*", page)


# AppTest calls a widget's format_func outside any script run, where the session's language
# cannot be read; the walk's language stands in for it there, the session's inside a run.
outside_session = {"lang": "zh"}
_session_language = i18n.language


def language_outside_sessions() -> str:
    """The session's language in a script run; the walk's language outside one."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return outside_session["lang"]
    return _session_language()


@pytest.fixture(scope="module")
def walked(shared_db: str) -> Iterator[dict[tuple[str, str, str], str]]:
    """The text of every page for each language and period, rendered once for the module."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SLAMON_DATABASE_URL", shared_db)
    mp.setenv("SLAMON_DASHBOARD_AT", AT.isoformat())
    mp.delenv("SLAMON_CONTRACT", raising=False)
    mp.setattr(i18n, "language", language_outside_sessions)
    pages: dict[tuple[str, str, str], str] = {}
    for lang in ("zh", "en"):
        for period in PERIODS:
            outside_session["lang"] = lang
            app = AppTest.from_file(APP, default_timeout=60).run()
            app.text_input(key="login_name").input("监理")
            app.text_input(key="login_password").input(PASSWORD)
            app.button[0].click().run()
            assert not app.exception, app.exception
            app.sidebar.radio(key="lang_choice").set_value(lang).run()
            app.sidebar.text_input(key="period_choice").set_value(period).run()
            for page in PAGES:
                open_page(app, page)
                if page == "incident":
                    app.text_input(key="detail_ticket_id").input(DETAIL).run()
                    assert not app.exception, app.exception
                pages[lang, period, page] = texts(app) + "\n" + widget_texts(app)
    mp.undo()
    outside_session["lang"] = "zh"
    yield pages


def widget_texts(app: AppTest) -> str:
    """Labels and options of the widgets, the metrics and the expanders' titles."""
    parts = [f"{m.label} {m.value}" for m in app.metric]
    for kind in ("selectbox", "multiselect", "radio", "text_input", "button", "checkbox"):
        for widget in getattr(app, kind):
            parts.append(str(widget.label))
            parts += [str(o) for o in getattr(widget, "options", ())]
    parts += [str(e.label) for e in app.expander]
    return "\n".join(parts)


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("page", PAGES)
def test_chinese_pages_show_no_codes_and_no_english_sentences(
    walked: dict[tuple[str, str, str], str], page: str, period: str
) -> None:
    text = walked["zh", period, page]
    assert codes_on(text, "zh") == [], _lines_with(text, codes_on(text, "zh"))
    english = [s for s in ENGLISH_IN_CHINESE if s in text]
    assert english == [], _lines_with(text, english)


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("page", PAGES)
def test_english_pages_show_no_codes_and_no_chinese_sentences(
    walked: dict[tuple[str, str, str], str], page: str, period: str, shared_db: str,
    contract: Contract,
) -> None:  # fmt: skip
    text = walked["en", period, page]
    assert codes_on(text, "en") == [], _lines_with(text, codes_on(text, "en"))
    chinese = _chinese_left(text, _names(shared_db, contract))
    assert chinese == [], _lines_with(text, chinese)


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh", "考核期“2022-13”格式不对：请写 YYYY 或 YYYY-MM，例如 2022 或 2022-08"),
    ("en", "“2022-13” is not a period: write YYYY or YYYY-MM, e.g. 2022 or 2022-08"),
])  # fmt: skip
def test_a_bad_period_is_told_in_the_pages_language(
    shared_db: str, monkeypatch: pytest.MonkeyPatch, lang: str, expected: str
) -> None:
    monkeypatch.setenv("SLAMON_DATABASE_URL", shared_db)
    monkeypatch.setenv("SLAMON_DASHBOARD_AT", AT.isoformat())
    monkeypatch.delenv("SLAMON_CONTRACT", raising=False)
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.text_input(key="login_name").input("监理")
    app.text_input(key="login_password").input(PASSWORD)
    app.button[0].click().run()
    app.sidebar.radio(key="lang_choice").set_value(lang).run()
    app.sidebar.text_input(key="period_choice").set_value("2022-13").run()
    assert not app.exception, app.exception
    assert [e.value for e in app.error] == [expected]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_scorecard_names_waived_violations_only_when_there_are_some(
    walked: dict[tuple[str, str, str], str], lang: str
) -> None:
    label = i18n.TEXTS["col.waived"][0 if lang == "zh" else 1]
    for period in PERIODS:
        text = walked[lang, period, "scorecard"]
        assert not re.search(rf"{re.escape(label)}: *$", text, re.MULTILINE), text
