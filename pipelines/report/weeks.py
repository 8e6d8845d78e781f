"""The report's calendar: ISO weeks (Monday to Sunday) on the tenant's local dates, and the one parser of a week.

The CLI (`--week`), the orchestration the DAGs call and the report itself read a week with `parse_week`, so a
week written one way is accepted (or refused) the same way everywhere: an ISO week ('2026-W41') or a date
('2026-10-05', meaning the ISO week holding it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from pipelines.tenants import Tenant

WEEK_LABEL = re.compile(r"^(\d{4})-W(\d{2})$")
FORMS = "an ISO week YYYY-Www (2026-W41) or a date YYYY-MM-DD in it (2026-10-05)"


@dataclass(frozen=True)
class Week:
    """An ISO week: label '2026-W47', Monday and Sunday (local dates)."""

    label: str
    start: date
    end: date

    @classmethod
    def of(cls, day: date) -> Week:
        year, week, _ = day.isocalendar()
        start = day - timedelta(days=day.weekday())
        return cls(f"{year}-W{week:02d}", start, start + timedelta(days=6))

    def shift(self, weeks: int) -> Week:
        return Week.of(self.start + timedelta(weeks=weeks))


def parse_week(value: str | date) -> Week:
    """'2026-W41', '2026-10-05' (the ISO week holding that date) or a date -> Week; otherwise a ValueError that
    names the value and the forms accepted."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return Week.of(value)
    text = value.strip()
    m = WEEK_LABEL.match(text)
    if m:
        try:
            return Week.of(date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1))
        except ValueError:
            raise ValueError(f"week {value!r} does not exist (ISO years have 52 or 53 weeks); write {FORMS}") from None
    if text and "W" not in text.upper():
        try:
            return Week.of(date.fromisoformat(text))
        except ValueError:
            pass
    raise ValueError(f"week {value!r} is neither an ISO week nor a date; write it as {FORMS}")


def last_complete_week(now: datetime, timezone: str) -> Week:
    """The latest Monday-to-Sunday week that has fully ended in the tenant's timezone at `now`."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    return Week.of(today).shift(-1)


def resolve_week(tenant: Tenant, week: str | date | None, now: datetime | None) -> Week:
    """The requested week (see parse_week), or the last complete week in the tenant's timezone at `now` when
    none is given (None or blank)."""
    if isinstance(week, str) and not week.strip():
        week = None
    if week is None:
        return last_complete_week(now or datetime.now(UTC), tenant.timezone)
    return parse_week(week)
