"""The HTTP seam against a real server on 127.0.0.1: what is retried, how long it waits."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from monitor.http import HttpFailure, Retry, json_of, send
from tests.serving import free_port

NOW = datetime(2024, 6, 3, 2, 0, 0, tzinfo=UTC)
IN_TEN_SECONDS = "Mon, 03 Jun 2024 02:00:10 GMT"


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b'{"ok": true}'
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class Server:
    """Answers each request with the next scripted answer (200 once the script is spent)."""

    def __init__(self, *script: Answer) -> None:
        self.script = list(script)
        self.seen: list[tuple[str, str, bytes]] = []  # method, path, body
        self.lock = threading.Lock()

    def next(self, method: str, path: str, body: bytes) -> Answer:
        with self.lock:
            self.seen.append((method, path, body))
            return self.script.pop(0) if self.script else Answer()


Serve = Callable[..., tuple[Server, str]]


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            self._answer(b"")

        def do_POST(self) -> None:  # the name http.server calls
            self._answer(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        def _answer(self, body: bytes) -> None:
            answer = server.next(self.command, self.path, body)
            time.sleep(answer.delay)
            try:
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client timed out and left

        def log_message(self, *_args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Start a scripted server on an ephemeral loopback port; gives (server, base URL)."""
    started: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def start(*script: Answer) -> tuple[Server, str]:
        server = Server(*script)
        http = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
        http.daemon_threads = True
        thread = threading.Thread(target=http.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        started.append((http, thread))
        return server, f"http://127.0.0.1:{http.server_address[1]}"

    yield start
    for http, thread in started:
        http.shutdown()
        http.server_close()
        thread.join(timeout=5)


def get(url: str, sleeps: list[float], **retry: Any) -> requests.Response:
    """GET with two retries 1 s apart, recording the waits in `sleeps` instead of waiting."""
    policy = Retry(**{"retries": 2, "backoff": 1.0, **retry}, sleep=sleeps.append)
    with requests.Session() as session:
        return send(session, "GET", url, timeout=5, retry=policy, now=lambda: NOW)


def test_a_2xx_answer_is_returned(serve: Serve) -> None:
    server, url = serve(Answer(201, b'{"id": 7}'))
    sleeps: list[float] = []
    response = get(f"{url}/items?x=1", sleeps)
    assert (response.status_code, json_of(response), sleeps) == (201, {"id": 7}, [])
    assert server.seen == [("GET", "/items?x=1", b"")]


def test_a_post_sends_its_json_and_headers_once(serve: Serve) -> None:
    server, url = serve()
    with requests.Session() as session:
        send(session, "POST", f"{url}/hook", json={"text": "故障"}, timeout=5)
    ((method, path, body),) = server.seen
    assert (method, path, json.loads(body)) == ("POST", "/hook", {"text": "故障"})


def test_a_404_is_permanent_and_not_asked_again(serve: Serve) -> None:
    server, url = serve(Answer(404, b"no such endpoint"))
    sleeps: list[float] = []
    with pytest.raises(HttpFailure, match="HTTP 404: no such endpoint") as failed:
        get(url, sleeps)
    assert failed.value.permanent
    assert (len(server.seen), sleeps) == (1, [])


@pytest.mark.parametrize("status", [301, 400, 401, 422])
def test_other_non_2xx_answers_are_permanent(serve: Serve, status: int) -> None:
    _, url = serve(Answer(status, b""))
    with pytest.raises(HttpFailure) as failed:
        get(url, [])
    assert failed.value.permanent


def test_a_500_is_transient_and_passes_on_retry(serve: Serve) -> None:
    server, url = serve(Answer(500, b"busy"))
    sleeps: list[float] = []
    assert get(url, sleeps).status_code == 200
    assert (len(server.seen), sleeps) == (2, [1.0])


def test_a_server_that_stays_down_gets_backoff_doubling_then_the_last_failure(
    serve: Serve,
) -> None:
    server, url = serve(Answer(502), Answer(503), Answer(500, b"still down"))
    sleeps: list[float] = []
    with pytest.raises(HttpFailure, match="HTTP 500: still down") as failed:
        get(url, sleeps, backoff=0.5)
    assert not failed.value.permanent
    assert (len(server.seen), sleeps) == (3, [0.5, 1.0])


def test_a_429_waits_its_retry_after_in_seconds(serve: Serve) -> None:
    _, url = serve(Answer(429, headers={"Retry-After": "7"}))
    sleeps: list[float] = []
    assert get(url, sleeps).status_code == 200
    assert sleeps == [7.0]


def test_a_429_waits_until_its_retry_after_date(serve: Serve) -> None:
    _, url = serve(Answer(429, headers={"Retry-After": IN_TEN_SECONDS}))
    sleeps: list[float] = []
    assert get(url, sleeps).status_code == 200
    assert sleeps == [10.0]


def test_a_retry_after_date_already_past_asks_again_at_once(serve: Serve) -> None:
    _, url = serve(Answer(429, headers={"Retry-After": "Mon, 03 Jun 2024 01:59:00 GMT"}))
    sleeps: list[float] = []
    assert get(url, sleeps).status_code == 200
    assert sleeps == [0.0]


def test_an_unreadable_retry_after_falls_back_to_the_backoff(serve: Serve) -> None:
    _, url = serve(Answer(429, headers={"Retry-After": "soon"}))
    sleeps: list[float] = []
    assert get(url, sleeps).status_code == 200
    assert sleeps == [1.0]


def test_the_last_failure_carries_its_retry_after(serve: Serve) -> None:
    _, url = serve(Answer(429, headers={"Retry-After": "30"}))
    with pytest.raises(HttpFailure) as failed:
        get(url, [], retries=0)
    assert (failed.value.permanent, failed.value.retry_after) == (False, 30.0)


@pytest.mark.parametrize("retry_after", ["3600", "Mon, 03 Jun 2024 03:00:00 GMT"])
def test_a_retry_after_above_the_cap_fails_at_once_instead_of_stalling(
    serve: Serve, retry_after: str
) -> None:
    server, url = serve(Answer(429, b"slow down", {"Retry-After": retry_after}))
    sleeps: list[float] = []
    with pytest.raises(HttpFailure) as failed:
        get(url, sleeps, max_retry_after=300.0)
    message = str(failed.value)
    assert message == "Retry-After 3600 s is longer than the 300 s allowed: HTTP 429: slow down"
    assert (failed.value.permanent, failed.value.retry_after) == (False, 3600.0)
    assert (len(server.seen), sleeps) == (1, [])


def test_a_refused_connection_is_transient_and_retried() -> None:
    sleeps: list[float] = []
    with pytest.raises(HttpFailure, match="ConnectionError") as failed:
        get(f"http://127.0.0.1:{free_port()}/", sleeps)
    assert not failed.value.permanent
    assert sleeps == [1.0, 2.0]


def test_an_answer_slower_than_the_timeout_is_transient(serve: Serve) -> None:
    _, url = serve(Answer(delay=0.5))
    with requests.Session() as session, pytest.raises(HttpFailure, match="Timeout") as failed:
        send(session, "GET", url, timeout=0.1)
    assert not failed.value.permanent


def test_a_malformed_url_is_permanent() -> None:
    with requests.Session() as session, pytest.raises(HttpFailure) as failed:
        send(session, "GET", "http://", timeout=1)
    assert failed.value.permanent


def test_an_answer_that_is_not_json_is_a_permanent_failure(serve: Serve) -> None:
    _, url = serve(Answer(200, b"<html>maintenance</html>"))
    response = get(url, [])
    with pytest.raises(HttpFailure, match="not JSON: <html>maintenance") as failed:
        json_of(response)
    assert failed.value.permanent
