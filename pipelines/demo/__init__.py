"""Realistic demo exports for three fictional UMKM, with planted truths later stages are checked against."""
