"""The DuckDB warehouse: schema, connection, ingest profiles and loader."""
