"""The same fuzzing against a separately started ``laowu serve`` over real HTTP (uvicorn with its C
parser and event loop), on the test database: what a partner system or an outside fuzzer meets.

Fewer examples than the in-process run (``LAOWU_LIVE_FUZZ_EXAMPLES``, default 3), as admin and as a
receiving district; every response under 500, documented, and problem+json when an error.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import requests
import schemathesis
from hypothesis import settings

from tests.fuzz.test_schemathesis import FUZZ_SETTINGS, check_response, roles_for

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("LAOWU_LIVE_FUZZ_EXAMPLES", "3"))
ROLES = [("admin", None), ("receiving", "120105")]

schema = schemathesis.openapi.from_path(ROOT / "openapi" / "openapi.json")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_url(migrated_db: str) -> Iterator[str]:
    port = _free_port()
    laowu = Path(sys.executable).with_name("laowu")
    env = {**os.environ, "LAOWU_DATABASE_URL": migrated_db, "LAOWU_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen(
        [str(laowu), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, f"laowu serve exited with {proc.returncode}"
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "laowu serve did not answer in 60 s"
            time.sleep(0.2)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=EXAMPLES)
def test_live_server_conforms(
    case: schemathesis.Case,
    live_url: str,
    http: requests.Session,
    make_key: Callable[..., dict[str, str]],
) -> None:
    for role, region in roles_for(case, ROLES):
        headers = make_key(role, region) if role else None
        response = case.call(base_url=live_url, session=http, headers=headers, timeout=30)
        check_response(case, response, role)
