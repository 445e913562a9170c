"""The SQL audit store (SQLAlchemy 2.0; SQLite by default, PostgreSQL at scale)."""

from agentdata.store.engine import DEFAULT_DB, ENV_VAR, resolve_url
from agentdata.store.store import Store

__all__ = ["DEFAULT_DB", "ENV_VAR", "Store", "resolve_url"]
