"""Engines, transactions and the transaction-level retry.

One ``Database`` per application holds an oslo.db enginefacade transaction
context. The object layer opens transactions with ``db.writer(ctx)`` or
``db.reader(ctx)``; nested calls with the same context join the outer
transaction, so a handler-level operation is one transaction.

Isolation: PostgreSQL runs at its default READ COMMITTED; MySQL/MariaDB is
switched from REPEATABLE READ to READ COMMITTED so that a statement issued
after a row lock was taken sees the latest committed data (see
doc/concurrency.rst for why the allocation write path depends on this).
"""
import functools
import logging
import threading

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade
import sqlalchemy as sa

from placement import conf as placement_conf
from placement.db import migration
from placement.db import standard
from placement import metrics

LOG = logging.getLogger(__name__)

# Deadlocks, Galera certification failures (both MySQL error 1213) and
# SQLite lock timeouts abort a whole transaction; retrying the transaction
# from its first statement is always safe because nothing was committed.
MAX_DEADLOCK_RETRIES = 8


# MySQL/MariaDB error codes that mean there is no usable connection (as
# opposed to a problem with a statement): too many connections, server
# shutdown, connection killed, cannot connect, server gone away, lost
# connection, and the client-side variants.
_MYSQL_UNAVAILABLE = frozenset(
    (1040, 1053, 1927, 2002, 2003, 2005, 2006, 2013, 2055, 4031))
# PostgreSQL SQLSTATEs for the same: connection exceptions (class 08),
# admin/crash shutdown, cannot connect now (starting up).
_PG_UNAVAILABLE = ('08', '57P01', '57P02', '57P03')


def _driver_error_unavailable(err):
    """Whether a DB-API exception says the database cannot be reached."""
    module = type(err).__module__ or ''
    if module.startswith('psycopg2'):
        code = getattr(err, 'pgcode', None)
        # libpq reports a failed connection attempt without a SQLSTATE.
        return (code is None and type(err).__name__ == 'OperationalError'
                or code is not None and code.startswith(_PG_UNAVAILABLE))
    if module.startswith('pymysql'):
        args = getattr(err, 'args', ())
        return bool(args) and args[0] in _MYSQL_UNAVAILABLE
    return False


def _chain(exc):
    """``exc`` and the exceptions it wraps (oslo.db's inner_exception,
    causes, contexts)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = (getattr(exc, 'inner_exception', None) or exc.__cause__ or
               exc.__context__)


def is_db_unavailable(exc):
    """Whether ``exc`` (raised anywhere below a request) means that the
    database cannot be reached, rather than that a statement failed."""
    for exc in _chain(exc):
        if isinstance(exc, (db_exc.DBConnectionError,
                            sa.exc.DisconnectionError, sa.exc.TimeoutError)):
            return True
        if isinstance(exc, sa.exc.DBAPIError):
            if exc.connection_invalidated:
                return True
            if _driver_error_unavailable(exc.orig):
                return True
        if _driver_error_unavailable(exc):
            return True
    return False


# MySQL/MariaDB errors for text the column's character set cannot hold
# (a 3-byte utf8 database, as OpenStack guides create it, and a character
# outside the BMP): illegal mix of collations (of two, three or more
# operands: =, IN), invalid character string, incorrect string value.
_MYSQL_UNSTORABLE_TEXT = frozenset((1267, 1270, 1271, 1300, 1366))


def is_unstorable_text(exc):
    """Whether ``exc`` means that the request carried text the database
    cannot store or compare (the client's input, not a fault)."""
    for exc in _chain(exc):
        if isinstance(exc, db_exc.DBInvalidUnicodeParameter):
            return True
        if type(exc).__module__.startswith('pymysql'):
            args = getattr(exc, 'args', ())
            if (args and args[0] in _MYSQL_UNSTORABLE_TEXT and
                    (args[0] != 1366 or 'string value' in str(args[-1]))):
                return True
    return False


def is_sqlite_lock_error(exc):
    return (isinstance(exc, (db_exc.DBError, sa.exc.OperationalError)) and
            'database is locked' in str(exc))


def _retry_kind(exc):
    """The placement_db_retries kind of an aborted transaction, or None."""
    if isinstance(exc, db_exc.DBDeadlock):
        # Galera reports a failed certification as a deadlock (1213).
        return ('certification_failure' if 'wsrep' in str(exc).lower()
                else 'deadlock')
    if is_sqlite_lock_error(exc):
        return 'sqlite_locked'
    return None


def retry_on_deadlock(fn):
    """Re-run ``fn`` (which must open and commit its own transaction) when
    the database aborted it for a deadlock or a lock timeout; every aborted
    attempt is counted in the metrics."""
    @functools.wraps(fn)
    def counted(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            kind = _retry_kind(exc)
            if kind:
                metrics.retried(kind)
            raise
    return oslo_db_api.wrap_db_retry(
        max_retries=MAX_DEADLOCK_RETRIES, retry_on_deadlock=True,
        retry_interval=0.02, inc_retry_interval=True,
        max_retry_interval=0.5, jitter=True,
        exception_checker=is_sqlite_lock_error)(counted)


def _tune_engine(engine):
    dialect = engine.dialect.name
    if dialect == 'mysql':
        @sa.event.listens_for(engine, 'connect')
        def _read_committed(dbapi_conn, record):
            with dbapi_conn.cursor() as cur:
                cur.execute('SET SESSION TRANSACTION ISOLATION LEVEL '
                            'READ COMMITTED')
                # The tables are utf8mb4. A URL with ?charset=utf8 (as
                # OpenStack guides write it) would make the server read
                # parameters as 3-byte utf8, and a character outside the
                # BMP in a name a collation error (500). The driver
                # encodes full UTF-8 either way.
                cur.execute('SET NAMES utf8mb4')
    elif dialect == 'sqlite':
        @sa.event.listens_for(engine, 'connect')
        def _sqlite_pragmas(dbapi_conn, record):
            cur = dbapi_conn.cursor()
            if engine.url.database not in (None, '', ':memory:'):
                cur.execute('PRAGMA journal_mode=WAL')
            cur.execute('PRAGMA busy_timeout=30000')
            cur.close()
    # oslo.db opened a test connection before this hook ran; drop it so
    # that every pooled connection gets the settings above.
    engine.dispose()


class Database:
    """The database of one placement application."""

    def __init__(self, conf):
        self.conf = conf
        self.url = placement_conf.database_url(conf)
        db = conf.placement_database
        self._tcm = enginefacade.transaction_context()
        options = dict(
            connection=self.url,
            slave_connection=db.slave_connection,
            sqlite_fk=True,
            sqlite_synchronous=db.sqlite_synchronous,
            mysql_sql_mode=db.mysql_sql_mode,
            connection_recycle_time=db.connection_recycle_time,
            connection_debug=db.connection_debug,
            connection_trace=db.connection_trace,
            max_pool_size=db.max_pool_size,
            max_overflow=db.max_overflow,
            pool_timeout=db.pool_timeout,
            # oslo.db would try to connect max_retries times, retry_interval
            # apart, when the engine is created, i.e. inside the first
            # request of a process, which must get a quick 503 instead.
            # 0: no connection attempt at creation. placement-manage does
            # its own waiting.
            max_retries=0,
            retry_interval=db.retry_interval,
            connection_parameters=db.connection_parameters or None,
            # Its time.sleep(0) at every connection checkin lets eventlet
            # switch green threads; in a WSGI worker it only hands the CPU
            # to other processes in the middle of a request.
            thread_checkin=False,
        )
        self._tcm.configure(**{k: v for k, v in options.items()
                               if v is not None})
        self._tcm.append_on_engine_create(_tune_engine)
        self._standard_synced = False
        self._standard_lock = threading.Lock()
        # Set when sync_on_startup could not reach the database: the first
        # request that can does the migration instead.
        self.migrate_on_first_use = False

    def ensure_standard_data(self):
        """Once per process, add the standard resource classes and traits
        that the installed os-resource-classes and os-traits define and the
        database lacks (after a library upgrade without a db sync). Runs on
        first use rather than at startup so that a process started while
        the database is down still comes up."""
        if self._standard_synced:
            return
        with self._standard_lock:
            if not self._standard_synced:
                if self.migrate_on_first_use:
                    migration.upgrade(self.engine, conf=self.conf)
                    self.migrate_on_first_use = False
                else:
                    with self.engine.begin() as conn:
                        standard.sync(conn)
                self._standard_synced = True

    def writer(self, context):
        """A read-write transaction (a Core Connection) bound to context."""
        return self._tcm.writer.connection.using(context)

    def reader(self, context):
        """A read-only transaction; joins an enclosing writer."""
        return self._tcm.reader.connection.using(context)

    @property
    def engine(self):
        return self._tcm.writer.get_engine()

    @property
    def dialect(self):
        return self.engine.dialect.name

    def dispose(self):
        self._tcm.dispose_pool()


def writer(fn):
    """Run the object-layer function ``fn(ctx, conn, ...)`` in a write
    transaction; callers call it as ``fn(ctx, ...)``. Nested decorated
    calls with the same context share one transaction."""
    @functools.wraps(fn)
    def wrapper(ctx, *args, **kwargs):
        with ctx.db.writer(ctx) as conn:
            return fn(ctx, conn, *args, **kwargs)
    return wrapper


def reader(fn):
    """Like ``writer`` but read-only (joins an enclosing write
    transaction)."""
    @functools.wraps(fn)
    def wrapper(ctx, *args, **kwargs):
        with ctx.db.reader(ctx) as conn:
            return fn(ctx, conn, *args, **kwargs)
    return wrapper
