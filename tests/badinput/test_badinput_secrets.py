"""Tokens and passwords never reach a log: `slamon serve` at DEBUG with authenticated requests
(good and wrong tokens), and the CLI creating tokens and users; every captured byte is searched."""

from __future__ import annotations

import subprocess
import sys

import requests

from tests.serving import Serve

PASSWORD = "correct horse battery 马"
WEAK = "short7!"
WRONG_TOKEN = "slamon_this-is-not-a-real-token-but-a-secret-all-the-same"


def slamon(serve: Serve, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**serve.env, "SLAMON_LOG_LEVEL": "DEBUG"}
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=serve.workdir,
        timeout=120,
    )


def test_no_token_or_password_appears_in_any_output_or_log(served: Serve) -> None:
    created = slamon(served, "token", "create", "ingest", "--source", "api", "--all-pools")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("slamon_") and token not in created.stderr  # shown once, on stdout
    auth = {"Authorization": f"Bearer {token}"}
    ticket = {"ticket_id": "SEC-1", "kind": "故障", "reported_at": "2024-06-03 10:00"}
    posted = requests.post(
        f"{served.url}/api/v1/tickets", json={"tickets": [ticket]}, headers=auth, timeout=30
    )
    assert posted.status_code == 200, posted.text
    assert requests.get(f"{served.url}/api/v1/tickets", headers=auth, timeout=30).status_code == 200
    wrong = {"Authorization": f"Bearer {WRONG_TOKEN}"}
    refused = requests.post(
        f"{served.url}/api/v1/tickets", json={"tickets": []}, headers=wrong, timeout=30
    )
    assert refused.status_code == 401
    outputs = [created.stderr]
    for args, stdin in [
        (("users", "add", "监理甲", "--role", "supervisor", "--password-stdin"), PASSWORD + "\n"),
        (("users", "add", "监理乙", "--role", "supervisor", "--password-stdin"), WEAK + "\n"),
        (("token", "list"), ""),
        (("token", "revoke", "ingest"), ""),
    ]:
        done = slamon(served, *args, stdin=stdin)
        assert "Traceback" not in done.stderr
        outputs += [done.stdout, done.stderr]
    assert served.terminate() == 0
    log = served.log()
    assert " DEBUG " in log  # the service really logged at DEBUG
    for secret in (token, token.removeprefix("slamon_"), WRONG_TOKEN, PASSWORD, WEAK):
        assert secret not in log
        for output in outputs:
            assert secret not in output
