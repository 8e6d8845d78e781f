"""httpx clients for the platform APIs; every pull lands raw responses as files the parsers ingest."""
