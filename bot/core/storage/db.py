"""Engine and transactions; turns "database unreachable" into a user-facing StorageUnavailable."""
from __future__ import annotations

import contextlib
import logging
from typing import Any, Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.core.errors import StorageUnavailable

log = logging.getLogger(__name__)


def _normalise_url(url: str) -> str:
    # PaaS providers hand out postgres:// URLs; SQLAlchemy needs the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, *, connect_args: dict[str, Any] | None = None) -> Engine:
    url = _normalise_url(url)
    args = dict(connect_args or {})
    if make_url(url).get_backend_name() == "sqlite":
        args.setdefault("check_same_thread", False)  # the dispatcher runs DB work in a thread
        args.setdefault("timeout", 30)
        engine = create_engine(url, connect_args=args)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    args.setdefault("connect_timeout", 5)
    return create_engine(url, connect_args=args, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(connection) -> None:
    # Take the write lock up front: two processes cannot both read-then-claim the same row.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """Owns the engine; `transaction()` is the only way the core writes."""

    def __init__(self, url: str, *, connect_args: dict[str, Any] | None = None, engine: Engine | None = None):
        self.url = _normalise_url(url)
        self.engine = engine or make_engine(self.url, connect_args=connect_args)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back everything on any error."""
        session = self._sessions()
        try:
            with session.begin():
                yield session
        except (OperationalError, DBAPIError) as exc:
            if isinstance(exc, OperationalError) or exc.connection_invalidated:
                log.error("database unavailable: %s", exc.__class__.__name__, exc_info=exc)
                raise StorageUnavailable() from exc
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
