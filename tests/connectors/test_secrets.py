"""Tokens never reach disk or logs: landed API pages, API errors, httpx's request log; and every file Gaung
writes under GAUNG_HOME is readable by its owner only."""

from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from pipelines.connectors.http import ApiClient, ApiError, TokenError, redact
from pipelines.connectors.pulls import pull_instagram
from tests.connectors.servers import FakeApi, Running
from warehouse.connection import connect

NOW = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
TOKEN = "EAAGm0PX4ZCpsBAKZC7x9ZBrealLookingToken"


def test_landed_instagram_pages_hold_no_access_token(settings) -> None:
    fake = FakeApi(token=TOKEN)
    server = Running(fake)
    try:
        con = connect(settings.warehouse_path("toko-a"))
        with ApiClient("Instagram", server.url, sleep=lambda s: None) as client:
            result = pull_instagram(client, con, "toko-a", "178414", TOKEN, settings.landing_dir("toko-a"), NOW,
                                    insights_days=3650)
        con.close()
    finally:
        server.stop()
    pages = [json.loads(p.read_text()) for p in result.files if "media" in p.name]
    assert any("access_token=***" in (page.get("paging") or {}).get("next", "") for page in pages)
    for path in settings.landing_dir("toko-a").rglob("*"):
        if path.is_file():
            assert TOKEN not in path.read_text()


def _client(handler) -> ApiClient:
    return ApiClient("Instagram", "https://graph.example", sleep=lambda s: None, max_attempts=2,
                     transport=httpx.MockTransport(handler), token_hint="GAUNG_INSTAGRAM_TOKEN")


@pytest.mark.parametrize("answer", [
    httpx.Response(400, json={"error": {"message": f"Malformed access token {TOKEN}", "code": 190}}),
    httpx.Response(400, json={"error": {"message": f"bad request for access_token={TOKEN}", "code": 100}}),
    httpx.Response(502, text=f"<html>upstream said {TOKEN}</html>"),
    httpx.Response(200, text=f"<html>login again: {TOKEN}</html>"),
    httpx.Response(404, json={"message": f"no such path; next=https://g/x?access_token={TOKEN}"}),
])
def test_api_errors_never_carry_the_token(answer: httpx.Response) -> None:
    with _client(lambda request: answer) as client, pytest.raises(ApiError) as caught:
        client.request("GET", "/178414/media", params={"access_token": TOKEN, "limit": 2})
    assert TOKEN not in str(caught.value) and TOKEN[:12] not in str(caught.value)
    with _client(lambda request: answer) as client, pytest.raises(ApiError) as caught:
        client.request("POST", "/v2/video/list/", headers={"Authorization": f"Bearer {TOKEN}"})
    assert TOKEN not in str(caught.value)


def test_token_errors_keep_their_type_and_advice() -> None:
    answer = httpx.Response(401, json={"error": {"message": f"token {TOKEN} expired", "code": 190}})
    with _client(lambda request: answer) as client, pytest.raises(TokenError) as caught:
        client.request("GET", "/me", params={"access_token": TOKEN})
    assert "GAUNG_INSTAGRAM_TOKEN" in str(caught.value) and TOKEN not in str(caught.value)


def test_httpx_request_log_is_redacted(caplog) -> None:
    caplog.set_level(logging.INFO)
    with _client(lambda request: httpx.Response(200, json={"data": []})) as client:
        client.request("GET", "/178414/media", params={"access_token": TOKEN})
    messages = [r.getMessage() for r in caplog.records]
    assert any("HTTP Request" in m and "access_token=***" in m for m in messages)
    assert not any(TOKEN in m for m in messages)


def test_redact_covers_the_forms_tokens_travel_in() -> None:
    assert redact(f"https://g/x?limit=2&access_token={TOKEN}#frag") == "https://g/x?limit=2&access_token=***#frag"
    assert TOKEN not in redact(f'{{"access_token": "{TOKEN}"}}')
    assert TOKEN not in redact(f"Authorization: Bearer {TOKEN}")
    assert TOKEN not in redact(f"next=https%3A%2F%2Fg%2Fx%3Faccess_token%3D{TOKEN}")
    assert redact("design=1&assign=2") == "design=1&assign=2"


SCRIPT = """
import os, sys
from datetime import datetime, UTC
from pathlib import Path
from pipelines.settings import Settings
from pipelines.tenants import Tenant, add_tenant
from pipelines.connectors.io import land
from warehouse.connection import connect
settings = Settings()
settings.master_key
add_tenant(settings.tenants_path, Tenant(id="toko-a", name="Toko A", timezone="Asia/Jakarta"))
connect(settings.warehouse_path("toko-a")).close()
land(settings.landing_dir("toko-a") / "api" / "instagram", "instagram-media", {"data": []}, datetime.now(UTC))
report = settings.reports_dir("toko-a") / "2026-W47" / "laporan.html"
report.parent.mkdir(parents=True)
report.write_text("<html></html>")
"""


def test_everything_under_gaung_home_is_private(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAUNG_")} | {"GAUNG_HOME": str(home)}
    done = subprocess.run([sys.executable, "-c", f"import os; os.umask(0o022)\n{SCRIPT}"], env=env,
                          cwd=Path(__file__).parents[2], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = set()
    for path in [home, *home.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode & 0o077 == 0, f"{path.relative_to(tmp_path)} is {oct(mode)}"
        seen.add(path.name)
    assert {"tenants.toml", "pseudonym.key", "toko-a.duckdb", "laporan.html"} <= seen
    assert any(name.startswith("instagram-media-") for name in seen)
