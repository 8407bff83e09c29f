"""The embedded PostgreSQL used when DATABASE_URL is unset (a fresh machine, `make run`).

pgserver ships PostgreSQL binaries in its wheel and keeps the cluster under .data/pg; the server
outlives the process that started it, so later commands find it already running.
"""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / ".data" / "pg"
DB_NAME = "satisfaction"


def embedded_database_url() -> str:
    """Start (or find) the embedded server and return a URL to the project's database."""
    import pgserver  # imported here: production never needs it

    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(DATA_DIR, cleanup_mode=None)
    # DB_NAME is a constant of this module, not input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DB_NAME};")
    return f"postgresql://postgres@/{DB_NAME}?host={DATA_DIR}"


if __name__ == "__main__":
    print(embedded_database_url())
