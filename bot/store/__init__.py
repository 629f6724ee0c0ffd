"""The store: SQLModel tables, engine and sessions, and the Alembic migrations that ship in the package."""
