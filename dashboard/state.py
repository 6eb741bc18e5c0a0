"""What every page needs for one run: the engine, contract, viewer, period and `as of` time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import streamlit as st
from sqlalchemy import Engine

from monitor import clock
from monitor.contract.contract_set import ContractSet, load_contract_set
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.periods import Period, parse_period
from monitor.domain.viewer import Viewer
from monitor.scorecard.manual import ManualScores, load_manual_scores
from monitor.settings import Settings
from monitor.storage.db import ensure_schema, make_engine
from monitor.views.settings import DashboardSettings


@dataclass(frozen=True)
class Runtime:
    engine: Engine
    contracts: ContractSet
    settings: DashboardSettings
    manual: ManualScores | None = None  # SLAMON_DASHBOARD_MANUAL, read once

    @property
    def contract(self) -> Contract:
        """The deployment's contract: vocabularies, zone and the evaluation scheme."""
        return self.contracts.deployment

    @property
    def calendar(self) -> BusinessCalendar:
        return self.contracts.primary.calendar


@dataclass(frozen=True)
class Context:
    """One script run's view of the world; pages read it with `context()`."""

    runtime: Runtime
    viewer: Viewer
    period: Period
    at: datetime

    @property
    def engine(self) -> Engine:
        return self.runtime.engine

    @property
    def contract(self) -> Contract:
        return self.runtime.contract

    @property
    def contracts(self) -> ContractSet:
        return self.runtime.contracts

    @property
    def calendar(self) -> BusinessCalendar:
        return self.runtime.calendar

    @property
    def manual(self) -> ManualScores | None:
        """The hand-entered scores, when they belong to this period."""
        manual = self.runtime.manual
        return manual if manual is not None and manual.scores(self.period.label) else None

    @property
    def zone(self) -> ZoneInfo:
        return self.runtime.contract.zone


@st.cache_resource(show_spinner=False)
def _runtime(database_url: str, contract_path: str, manual_path: str) -> Runtime:
    engine = make_engine(database_url)
    ensure_schema(engine)  # an out-of-date database is refused with the fix, as in the CLI
    contracts = load_contract_set(contract_path)
    manual = load_manual_scores(Path(manual_path), contracts.deployment) if manual_path else None
    return Runtime(engine, contracts, DashboardSettings(), manual)


def runtime() -> Runtime:
    """The shared engine, contract and hand-entered scores (one per database URL, contract
    file and SLAMON_DASHBOARD_MANUAL)."""
    settings = Settings()
    manual = DashboardSettings().manual
    return _runtime(settings.database_url, str(settings.contract), str(manual or ""))


def as_of(run: Runtime) -> datetime:
    """SLAMON_DASHBOARD_AT when set (a past review, a demo), else the clock's now."""
    pinned = run.settings.at
    if pinned is None:
        return clock.now()
    return pinned if pinned.tzinfo else pinned.replace(tzinfo=run.contract.zone)


def _sidebar(run: Runtime, viewer: Viewer, at: datetime) -> Period:
    """Language, period, who and when — drawn by every page, so the widgets belong to the
    page's run; the choices are kept in plain session keys that survive page switches."""
    from dashboard import auth
    from dashboard.i18n import LANGUAGES, t

    zone = run.contract.zone
    with st.sidebar:
        languages = list(LANGUAGES)
        chosen = st.radio(
            t("language"),
            languages,
            index=languages.index(st.session_state["lang"]),
            format_func=LANGUAGES.get,
            key="lang_choice",
            horizontal=True,
        )
        if chosen != st.session_state["lang"]:
            st.session_state["lang"] = chosen
            st.rerun()  # what is drawn so far is in the other language
        default = run.settings.period or at.astimezone(zone).strftime("%Y-%m")
        typed = st.text_input(
            t("period"), value=st.session_state.get("period", default), key="period_choice"
        )
        st.session_state["period"] = typed.strip() or default
        try:
            period = parse_period(st.session_state["period"], zone)
        except ValueError:
            # The parser's message is English for the CLI's log; the page says it in its own words.
            st.error(t("period.bad", text=st.session_state["period"]))
            period = parse_period(default, zone)
        st.caption(f"{t('as_of')}: {at.astimezone(zone).strftime('%Y-%m-%d %H:%M')} ({zone.key})")
        st.caption(f"{t('signed_in_as')}: {viewer.name} · {t(f'role.{viewer.role.value}')}")
        if st.button(t("logout"), key="logout"):
            auth.logout()
    return period


def require_page(page: str) -> Context:
    """This run's context with the sidebar drawn; stops with a refusal when the viewer's
    role may not open `page` (the queries enforce the scope as well)."""
    from dashboard.i18n import t

    run = runtime()
    viewer = st.session_state["viewer"]
    at = as_of(run)
    ctx = Context(run, viewer, _sidebar(run, viewer, at), at)
    st.session_state["_ctx"] = ctx
    if not viewer.may_open(page):
        st.error(t("denied"))
        st.stop()
    return ctx


def context() -> Context:
    """The Context require_page set up for this run (for helpers called by a page)."""
    ctx: Context = st.session_state["_ctx"]
    return ctx
