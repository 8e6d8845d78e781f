"""`gaung alerts`: a dry run prints what would fire; a run sends once; a bad --now is a clear error."""

from __future__ import annotations

from typer.testing import CliRunner

from pipelines.cli import app
from tests.alerts.conftest import TENANT, Shop

runner = CliRunner()


def test_alerts_command_dry_run_then_send_then_nothing_twice(home) -> None:
    Shop().steady().plant({"complaint_surge", "viral_post"}).write(home)
    dry = runner.invoke(app, ["alerts", "--tenant", TENANT, "--now", "2026-11-25T10:00", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2 peringatan baru" in dry.output and "Keluhan naik" in dry.output and "Uji coba" in dry.output
    sent = runner.invoke(app, ["alerts", "--tenant", TENANT, "--now", "2026-11-25T03:00Z", "--lang", "en"])
    assert sent.exit_code == 0, sent.output
    assert "2 new alerts" in sent.output and "Sent on outbox: 2 alerts" in sent.output
    again = runner.invoke(app, ["alerts", "--tenant", TENANT, "--now", "2026-11-25T10:00", "--json"])
    assert again.exit_code == 0 and '"new": []' in again.output and '"sent": []' in again.output


def test_alerts_command_bad_moment(home) -> None:
    bad = runner.invoke(app, ["alerts", "--tenant", TENANT, "--now", "kemarin"])
    assert bad.exit_code == 2 and "2026-11-24T09:00" in bad.output and "Traceback" not in bad.output
    assert "bukan tanggal dan jam" in bad.output and "is no date" not in bad.output  # the user's language only
    english = runner.invoke(app, ["alerts", "--tenant", TENANT, "--now", "kemarin", "--lang", "en"])
    assert english.exit_code == 2 and "is no date and time" in english.output and "bukan" not in english.output
