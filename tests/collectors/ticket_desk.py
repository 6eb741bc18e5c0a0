"""A service desk on 127.0.0.1 that answers like ServiceNow, Jira, Zammad or a generic API.

Each ticket is kept once, with its update time; the server filters and orders by update time
and pages the way the real API does (ServiceNow offset/limit, Jira startAt/maxResults and
minute-precision JQL, Zammad page numbers, the generic endpoint offset/limit), and renders
records in that API's own shape (field names, nesting, time format). Faults — 429 with
Retry-After, 500, slow pages, an update while a walk is under way — are scripted per request.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2024, 6, 3, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@dataclass
class Issue:
    number: int
    updated: datetime
    resolved: bool = False
    version: int = 0

    @property
    def opened(self) -> datetime:
        return T0 + timedelta(minutes=self.number - 1)


@dataclass
class Fault:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    then: Callable[[], None] | None = None  # runs after this request is answered


class Desk:
    """The tickets, the scripted faults by request number (1-based), and the requests seen."""

    def __init__(self, api: str) -> None:
        self.api = api
        self.issues: dict[int, Issue] = {}
        self.faults: dict[int, Fault] = {}
        self.requests: list[dict[str, str]] = []
        self.lock = threading.Lock()

    def add(self, number: int, updated: datetime, resolved: bool = False) -> None:
        known = self.issues.get(number)
        version = known.version + 1 if known else 0
        self.issues[number] = Issue(number, updated, resolved, version)

    # --- answering --------------------------------------------------------------------
    def answer(self, path: str, params: dict[str, str]) -> tuple[Fault, Any]:
        with self.lock:
            self.requests.append({"path": path, **params})
            fault = self.faults.get(len(self.requests), Fault())
            if fault.status != 200:
                return fault, {"error": {"message": "scripted failure"}}
            since, offset, limit = self._page(params)
            chosen = sorted(
                (i for i in self.issues.values() if i.updated >= since),
                key=lambda i: (i.updated, i.number),
            )[offset : offset + limit]
            return fault, self._body([self._render(i) for i in chosen], offset, limit)

    def _page(self, params: dict[str, str]) -> tuple[datetime, int, int]:
        if self.api == "servicenow":
            day, moment = re.search(
                r"dateGenerate\('([\d-]+)','([\d:]+)'\)", params["sysparm_query"]
            ).groups()  # type: ignore[union-attr]
            since = datetime.fromisoformat(f"{day} {moment}").replace(tzinfo=UTC)
            return since, int(params["sysparm_offset"]), int(params["sysparm_limit"])
        if self.api == "jira":
            text = re.search(r'updated >= "([^"]+)"', params["jql"]).group(1)  # type: ignore[union-attr]
            since = datetime.strptime(text, "%Y/%m/%d %H:%M").replace(tzinfo=SHANGHAI)
            return since, int(params["startAt"]), int(params["maxResults"])
        if self.api == "zammad":
            text = params["query"].removeprefix("updated_at:>=")
            size = int(params["per_page"])
            return datetime.fromisoformat(text), (int(params["page"]) - 1) * size, size
        since = datetime.fromisoformat(params["updated_since"])
        return since, int(params["offset"]), int(params["limit"])

    def _body(self, records: list[dict[str, Any]], offset: int, limit: int) -> Any:
        if self.api == "servicenow":
            return {"result": records}
        if self.api == "jira":
            total = len(self.issues)
            return {"startAt": offset, "maxResults": limit, "total": total, "issues": records}
        if self.api == "zammad":
            return records
        return {"data": {"items": records}, "offset": offset}

    def _render(self, issue: Issue) -> dict[str, Any]:
        n, updated, opened = issue.number, issue.updated, issue.opened
        if self.api == "servicenow":
            return {
                "sys_id": f"{n:032x}",
                "number": f"INC{n:07d}",
                "state": "Resolved" if issue.resolved else "In Progress",
                "priority": "2 - High",
                "short_description": f"云主机故障 {n}",
                "opened_at": opened.strftime("%Y-%m-%d %H:%M:%S"),
                "sys_updated_on": updated.strftime("%Y-%m-%d %H:%M:%S"),
                "sys_mod_count": str(issue.version),
                "hold_reason": "",
                "assignment_group": "二云运营单位",
            }
        if self.api == "jira":
            local = updated.astimezone(SHANGHAI)
            return {
                "id": str(10000 + n),
                "key": f"OPS-{n}",
                "self": f"https://jira.example/rest/api/2/issue/{10000 + n}",
                "fields": {
                    "summary": f"云主机故障 {n}",
                    "issuetype": {"name": "Incident"},
                    "status": {"name": "Resolved" if issue.resolved else "In Progress"},
                    "priority": {"name": "High"},
                    "created": opened.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M:%S.000+0800"),
                    "updated": local.strftime("%Y-%m-%dT%H:%M:%S.000+0800"),
                    "resolutiondate": None,
                },
            }
        if self.api == "zammad":
            return {
                "id": n,
                "number": str(20240600 + n),
                "title": f"云主机故障 {n}",
                "state": "closed" if issue.resolved else "open",
                "priority": "2 normal",
                "group": "二云运营单位",
                "created_at": opened.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "updated_at": updated.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            }
        return {
            "id": f"T-{n}",
            "type": "fault",
            "level": "significant",
            "opened": opened.isoformat(),
            "status": "done" if issue.resolved else "open",
            "updated_at": updated.isoformat(),
        }


class _Handler(BaseHTTPRequestHandler):
    desk: Desk

    def do_GET(self) -> None:  # the name http.server calls
        parts = urlsplit(self.path)
        params = {key: values[0] for key, values in parse_qs(parts.query).items()}
        fault, body = self.desk.answer(parts.path, params)
        if fault.delay:
            time.sleep(fault.delay)
        data = json.dumps(body, ensure_ascii=False).encode()
        try:
            self.send_response(fault.status)
            for name, value in {"Content-Type": "application/json", **fault.headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on a slow page; it will ask again
        if fault.then is not None:
            fault.then()

    def log_message(self, *_args: Any) -> None:
        pass


def serve(desk: Desk) -> Iterator[str]:
    """Run the desk on an ephemeral loopback port; yields its base URL; stops on exit."""
    handler = type("Handler", (_Handler,), {"desk": desk})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
