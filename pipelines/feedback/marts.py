"""Customer quotes fit to show in the theme marts. The marts themselves are SQL models (warehouse/marts:
dim_theme, fct_theme_weekly, fct_product_ideas) over what the feedback stage writes to ops."""

from __future__ import annotations

from pipelines.privacy import mask_quote as mask_personal_data


def mask_quote(text: str) -> str:
    """A customer's words fit to show: phone numbers and @handles masked (privacy.mask_quote), whitespace tidied."""
    return " ".join((mask_personal_data(text) or "").split())
