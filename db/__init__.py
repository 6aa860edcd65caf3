"""Storage: SQLAlchemy models, engine and session factory, migrations, SQLite file care."""
