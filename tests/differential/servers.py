"""A pair of servers on twin fresh databases: upstream OpenStack Placement
16.0.0 (the oracle, from tests/oracle.py) and this service.

Both run as separate processes with the same settings; each gets its own
database on the same backend, created empty and migrated by the server
itself at startup.
"""
import contextlib
import os
import sys
import tempfile
import uuid

import sqlalchemy as sa

from tests import oracle
from tests.ops import process

PG_ADMIN_URL = os.environ.get(
    'PLACEMENT_TEST_PG_ADMIN_URL',
    'postgresql+psycopg2://postgres@127.0.0.1:5432/postgres')

SETTINGS = {
    'API__AUTH_STRATEGY': 'noauth2',
    'PLACEMENT_DATABASE__SYNC_ON_STARTUP': 'True',
    'OSLO_POLICY__ENFORCE_NEW_DEFAULTS': 'False',
}


class Database:
    """An empty database on ``backend`` (sqlite or postgresql)."""

    def __init__(self, backend, directory):
        self.backend = backend
        self.admin = None
        self.name = 'pdiff_%s' % uuid.uuid4().hex[:12]
        if backend == 'sqlite':
            self.url = 'sqlite:///%s' % os.path.join(directory,
                                                     self.name + '.db')
            return
        admin_url = sa.engine.make_url(PG_ADMIN_URL)
        self.admin = sa.create_engine(admin_url, isolation_level='AUTOCOMMIT')
        with self.admin.connect() as conn:
            conn.execute(sa.text('CREATE DATABASE %s' % self.name))
        self.url = admin_url.set(database=self.name).render_as_string(
            hide_password=False)

    def drop(self):
        if self.admin is None:
            return
        with self.admin.connect() as conn:
            conn.execute(sa.text(
                'SELECT pg_terminate_backend(pid) FROM pg_stat_activity '
                'WHERE datname = :name'), {'name': self.name})
            conn.execute(sa.text('DROP DATABASE IF EXISTS %s' % self.name))
        self.admin.dispose()


def service_argv():
    return [os.path.join(process.BIN, 'placement-api'), '--host',
            '127.0.0.1', '--port', '{port}', '--workers', '1']


@contextlib.contextmanager
def server_pair(backend, log_dir=None):
    """Yields (upstream, ours), two ready process.Server objects."""
    log_dir = log_dir or tempfile.mkdtemp(prefix='placement-diff-')
    # An empty placement.conf: upstream insists on finding one in
    # OS_PLACEMENT_CONFIG_DIR.
    config_dir = os.path.join(log_dir, 'etc')
    os.makedirs(config_dir, exist_ok=True)
    open(os.path.join(config_dir, 'placement.conf'), 'a').close()
    databases, servers = [], []
    try:
        for argv in (oracle.gunicorn_argv(), service_argv()):
            database = Database(backend, log_dir)
            databases.append(database)
            env = process.clean_environ(
                PLACEMENT_DATABASE__CONNECTION=database.url,
                PLACEMENT_CONFIG_DIR=config_dir, **SETTINGS)
            servers.append(process.Server(argv, env, log_dir).start())
        for server in servers:
            server.wait_ready(timeout=120)
        yield tuple(servers)
    finally:
        for server in servers:
            server.stop()
        for database in databases:
            database.drop()


if __name__ == '__main__':
    # Start a pair by hand: python -m tests.differential.servers [backend]
    import signal
    import time
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with server_pair(sys.argv[1] if len(sys.argv) > 1 else 'sqlite') as (
            up, ours):
        print('upstream', up.port, 'ours', ours.port, flush=True)
        while True:
            time.sleep(3600)
