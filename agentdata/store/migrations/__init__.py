"""Alembic migrations of the audit store (run by `Store.open`)."""
