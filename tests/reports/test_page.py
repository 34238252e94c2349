"""The report page in a real browser: headless Chromium against uvicorn serving the tianjin dataset."""

from __future__ import annotations

import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.demo import load_demo
from tests.conftest import TEST_DB_URL
from tests.reports.conftest import MakeKey
from tests.reports.test_tianjin import SEED_ROWS

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1600",
    "--virtual-time-budget=5000",
]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed: CI must install Debian's chromium package")
    pytest.skip("chromium not installed (apt-get install -y chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(session: Session, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    load_demo(session=session, dataset="tianjin-2019h1")
    session.commit()
    port = _free_port()
    log = tmp_path / "uvicorn.log"
    env = {**os.environ, "LAOWU_DATABASE_URL": TEST_DB_URL}
    with log.open("wb") as out:
        # The access log stays on: the test checks the API key never reaches it.
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.asgi:app", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(base + "/healthz", timeout=1) as resp:
                        if resp.status == 200:
                            break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(log.read_text(errors="replace")) from None
                    time.sleep(0.2)
            yield base, log
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _run_chromium(chromium: str, url: str, *extra: str) -> subprocess.CompletedProcess[bytes]:
    with tempfile.TemporaryDirectory(prefix="laowu-chromium-") as profile:
        return subprocess.run(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, url],
            capture_output=True,
            timeout=120,
        )


def _png_pixels(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """Decode a non-interlaced 8-bit PNG into rows of raw pixel bytes (no PIL needed)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color_type, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0
            channels = {0: 1, 2: 3, 4: 2, 6: 4}[color_type]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        filter_type = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = prev[i]
            up_left = prev[i - channels] if i >= channels else 0
            if filter_type == 1:
                line[i] = (line[i] + left) & 0xFF
            elif filter_type == 2:
                line[i] = (line[i] + up) & 0xFF
            elif filter_type == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif filter_type == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def test_report_page_shows_the_seed_table_and_a_chart(
    server: tuple[str, Path], make_key: MakeKey, client: TestClient, tmp_path: Path
) -> None:
    chromium = _chromium()
    base, log = server
    key = make_key("admin")["Authorization"].removeprefix("Bearer ")
    page = client.get("/reports/")
    assert page.status_code == 200 and "script-src 'self'" in page.headers["content-security-policy"]
    # The key travels in the fragment, which browsers never send to the server.
    url = f"{base}/reports/?report=progress&period=2019-H1#key={key}"

    dom = _run_chromium(chromium, url, "--dump-dom").stdout.decode("utf-8")
    assert 'data-state="loaded"' in dom, dom[-2000:]
    for name, *_ in SEED_ROWS:
        assert f'<td class="region">{name}</td>' in dom, name
    assert dom.count('<tr data-region="') == 16
    assert "946" in dom and "11,410" in dom  # totals row
    assert dom.count('class="bar-1"') >= 16  # one achieved bar per district (plus the legend)
    assert key not in dom  # stripped from the address and the field once kept in sessionStorage

    shot = tmp_path / "page.png"
    _run_chromium(chromium, url, f"--screenshot={shot}")
    width, height, channels, rows = _png_pixels(shot.read_bytes())
    assert (width, height) == (1280, 1600)
    colours = {row[i : i + channels] for row in rows[::8] for i in range(0, len(row), channels * 8)}
    assert len(colours) > 20, "screenshot is blank"
    # The achieved bars are drawn in the chart's green (#2f7d4f).
    assert any(c[:3] == bytes([0x2F, 0x7D, 0x4F]) for c in colours)

    assert key not in log.read_text(errors="replace")
