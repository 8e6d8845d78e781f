"""Alert thresholds and anti-spam rules of one tenant: the [tenants.<id>.alerts] table of tenants.toml.

Pydantic only (no import of pipelines.tenants), so tenants.py can nest it as a field.
"""

from __future__ import annotations

from datetime import time

from pydantic import BaseModel, ConfigDict, Field, field_validator

KINDS = ("viral_post", "complaint_surge", "review_surge", "rating_surge", "product_idea", "unanswered_question",
         "campaign_mentions")


class AlertSettings(BaseModel):
    """Defaults suit a micro business; every field can be set per tenant in tenants.toml."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    # Channels for alerts; default: the tenant's delivery channels.
    channels: list[str] | None = None
    kinds: list[str] = Field(default_factory=lambda: list(KINDS))
    # Quiet hours in the tenant's timezone: alerts found then are held and sent after quiet_end.
    quiet_start: time = time(21, 0)
    quiet_end: time = time(7, 0)
    daily_cap: int = Field(default=3, ge=1, description="Messages per local day (a digest counts once).")
    max_in_digest: int = Field(default=5, ge=1)
    material_change: float = Field(default=2.0, gt=1.0, description="A subject alerts again at this many times its figure.")
    cooldown_hours: float = Field(default=48.0, gt=0, description="A subject unseen this long may alert anew.")
    max_attempts: int = Field(default=3, ge=1, description="Runs that retry a failed alert before it is given up.")
    # Surges: the last 24 hours against the same 24 hours of the same weekday in earlier weeks.
    baseline_weeks: int = Field(default=8, ge=2)
    min_baseline_weeks: int = Field(default=3, ge=1)
    surge_ratio: float = Field(default=2.0, gt=1.0)
    surge_z: float = Field(default=3.0, gt=0)
    complaint_min_customers: int = Field(default=4, ge=1)
    review_min: int = Field(default=3, ge=1)
    one_star_min: int = Field(default=3, ge=1)
    campaign_min_mentions: int = Field(default=5, ge=1)
    # A post running ahead of the account's usual views or shares within its first hours.
    viral_max_age_hours: float = Field(default=72.0, gt=0)
    viral_ratio: float = Field(default=3.0, gt=1.0)
    viral_z: float = Field(default=2.0, gt=0)
    viral_min_views: int = Field(default=500, ge=0)
    viral_min_posts: int = Field(default=3, ge=1, description="Earlier posts needed to know the account's usual.")
    # A product idea asked for by this many distinct customers, the first time.
    idea_customers: int = Field(default=5, ge=2)
    # A customer question with no answer from the business for longer than this.
    unanswered_hours: float = Field(default=4.0, gt=0)
    unanswered_max_age_hours: float = Field(default=72.0, gt=0)

    @field_validator("kinds")
    @classmethod
    def _kinds(cls, v: list[str]) -> list[str]:
        bad = sorted(set(v) - set(KINDS))
        if bad:
            raise ValueError(f"unknown alert kind(s) {bad}; use {', '.join(KINDS)}")
        return v

    @field_validator("channels")
    @classmethod
    def _channels(cls, v: list[str] | None) -> list[str] | None:
        bad = sorted(set(v or []) - {"outbox", "email", "whatsapp"})
        if bad:
            raise ValueError(f"unknown alert channel(s) {bad}; use outbox, email or whatsapp")
        return v

    def is_quiet(self, local: time) -> bool:
        """Whether a local clock time falls in the quiet hours (which may run past midnight)."""
        if self.quiet_start == self.quiet_end:
            return False
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= local < self.quiet_end
        return local >= self.quiet_start or local < self.quiet_end
