"""Alerts between reports: detect what needs the owner today, and send it once, briefly, at a decent hour."""
