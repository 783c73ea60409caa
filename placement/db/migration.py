"""Schema migrations (alembic) and the standard-data sync, under a lock.

Several API workers may start at once on an empty database with
sync_on_startup. Each takes a database-wide lock before migrating: the first
one migrates, the others wait for it and then find nothing to do.
PostgreSQL uses an advisory lock, MySQL/MariaDB GET_LOCK(), SQLite an
exclusive lock on a file beside the database.

A database that upstream Placement created is taken over first, under the
same lock (placement.db.takeover), and every database this service
migrates keeps the version row upstream expects.
"""
import contextlib
import fcntl
import logging
import os
import sys

from alembic import command as alembic_command
from alembic import config as alembic_config
from alembic import migration as alembic_migration
from alembic import script as alembic_script
import sqlalchemy as sa

import placement
from placement.db import standard
from placement.db import takeover

LOG = logging.getLogger(__name__)

_LOCK_NAME = 'placement_schema_migration'
_PG_LOCK_KEY = 0x706C6163  # 'plac'
_LOCK_TIMEOUT = 600
VERSION_TABLE = 'placement_alembic_version'


def alembic_dir():
    """The alembic/ folder: beside the package in a checkout or editable
    install, under <prefix>/share/placement in a regular install."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(placement.__file__)))
    candidates = [os.path.join(here, 'alembic'),
                  os.path.join(sys.prefix, 'share', 'placement', 'alembic')]
    for path in candidates:
        if os.path.exists(os.path.join(path, 'env.py')):
            return path
    raise RuntimeError('alembic migrations not found in %s' % candidates)


def _alembic_config(connection):
    cfg = alembic_config.Config()
    cfg.set_main_option('script_location', alembic_dir())
    cfg.attributes['connection'] = connection
    return cfg


@contextlib.contextmanager
def _migration_lock(engine):
    dialect = engine.dialect.name
    if dialect == 'sqlite':
        path = engine.url.database
        if not path or path == ':memory:':
            yield
            return
        with open(path + '.migration-lock', 'a+') as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)
        return
    with engine.connect() as lock_conn:
        if dialect == 'postgresql':
            lock_conn.execute(sa.text('SELECT pg_advisory_lock(:k)'),
                              {'k': _PG_LOCK_KEY})
            release = sa.text('SELECT pg_advisory_unlock(:k)')
            params = {'k': _PG_LOCK_KEY}
        elif dialect == 'mysql':
            got = lock_conn.execute(sa.text('SELECT GET_LOCK(:n, :t)'),
                                    {'n': _LOCK_NAME, 't': _LOCK_TIMEOUT})
            if got.scalar() != 1:
                raise RuntimeError('timed out waiting for the schema '
                                   'migration lock')
            release = sa.text('SELECT RELEASE_LOCK(:n)')
            params = {'n': _LOCK_NAME}
        else:
            release = None
        lock_conn.commit()
        try:
            yield
        finally:
            if release is not None:
                lock_conn.execute(release, params)
                lock_conn.commit()


def upgrade(engine, revision='head', conf=None):
    """Migrate the schema to ``revision`` (taking over an upstream
    database first) and sync standard classes and traits, holding the
    migration lock. ``conf`` names the placeholder owner of consumers
    created for old allocations (see placement.db.data_migrations).

    :raises takeover.TakeoverRefused: an upstream database that cannot be
        taken over as it is (nothing was changed).
    """
    with _migration_lock(engine):
        before = current_version(engine)
        with engine.begin() as conn:
            upstream = takeover.upstream_revision(conn)
            if before is None and upstream is not None:
                takeover.adopt(conn, upstream, conf)
                LOG.info('Took over an upstream Placement database at '
                         'revision %s', upstream)
            elif upstream not in (None,) + takeover.UPSTREAM_REVISIONS:
                # Handed back, then migrated by a newer upstream release.
                raise takeover.TakeoverRefused(
                    '; '.join(takeover.problems(conn, upstream)))
        with engine.begin() as conn:
            alembic_command.upgrade(_alembic_config(conn), revision)
            takeover.keep_upstream_row(conn)
        with engine.begin() as conn:
            standard.sync(conn)
        after = current_version(engine)
    # Operators (and the startup-race tests) see which process migrated.
    if before != after:
        LOG.info('Migrated the database schema from %s to %s',
                 before, after)


def stamp(engine, revision):
    """Record ``revision`` (or 'head') as the schema's revision without
    migrating anything."""
    with _migration_lock(engine):
        with engine.begin() as conn:
            alembic_command.stamp(_alembic_config(conn), revision)


def current_version(bind):
    """This project's schema revision (None: none), read through an engine
    or an open connection."""
    if isinstance(bind, sa.engine.Connection):
        ctx = alembic_migration.MigrationContext.configure(
            bind, opts={'version_table': VERSION_TABLE})
        return ctx.get_current_revision()
    with bind.connect() as conn:
        return current_version(conn)


def script_directory():
    return alembic_script.ScriptDirectory(alembic_dir())


def head_version():
    return script_directory().get_current_head()


def known_revision(revision):
    """Whether ``revision`` names one of this project's revisions."""
    try:
        return script_directory().get_revision(revision) is not None
    except Exception:
        return False
