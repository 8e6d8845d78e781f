"""Engagement, virality, campaign and trend scoring, measured against each account's own normal."""
