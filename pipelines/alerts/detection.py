"""One thing an alert rule found (a Detection), shared by the rules and the messages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Detection:
    """One thing found: kind, subject (what it is about), the figure against its baseline, and the facts a
    message needs (a label, quotes, a link)."""

    kind: str
    subject: str
    figure: float
    baseline: float | None
    facts: dict = field(default_factory=dict)
    link: str | None = None
