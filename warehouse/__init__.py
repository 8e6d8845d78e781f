"""The DuckDB warehouse: versioned migrations, staging and mart SQL models, and the connection helper."""
