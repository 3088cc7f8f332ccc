"""Database layer of the backend of record: models, engine, sessions, migrations."""
