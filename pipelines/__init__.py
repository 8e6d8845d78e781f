"""Gaung: social listening and viral-campaign analytics for Indonesian UMKM."""

__version__ = "0.1.0"
