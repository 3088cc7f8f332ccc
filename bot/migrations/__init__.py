"""Alembic migrations of the backend of record (run through bot.db.migrate)."""
