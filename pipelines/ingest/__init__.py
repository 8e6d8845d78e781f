"""Ingestion: recognise each landed file by content, parse it, and load it with lineage and quarantine."""
