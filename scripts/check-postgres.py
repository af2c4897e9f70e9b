"""Exit 0 when the PostgreSQL server in argv[1] accepts a connection, 1 otherwise."""

import sys

import psycopg
from sqlalchemy.engine import make_url

url = make_url(sys.argv[1])
try:
    psycopg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password or None,
        dbname=url.database or "postgres",
        connect_timeout=3,
    ).close()
except psycopg.Error as error:
    print(f"PostgreSQL check failed: {error}", file=sys.stderr)
    sys.exit(1)
