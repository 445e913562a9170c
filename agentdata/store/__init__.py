"""The SQL audit store (SQLAlchemy 2.0; SQLite by default, PostgreSQL at scale)."""

from agentdata.store._engine import DEFAULT_DB, ENV_VAR, resolve_url
from agentdata.store._sink import MemorySink, RecordSink
from agentdata.store._store import Store

__all__ = ["DEFAULT_DB", "ENV_VAR", "MemorySink", "RecordSink", "Store", "resolve_url"]
