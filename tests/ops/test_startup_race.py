"""Several workers started at once on an empty database with
sync_on_startup: exactly one migrates, the others wait for it, and all of
them serve. Repeated, because a race that loses one time in three still
loses in production.

PLACEMENT_OPS_STARTUP_REPEAT sets the number of rounds (default 3).
"""
import os
import re
import subprocess
import uuid

import pytest

from placement.db import migration
from tests.conftest import BACKENDS
from tests.ops import conftest as ops

WORKERS = 4
REPEAT = int(os.environ.get('PLACEMENT_OPS_STARTUP_REPEAT', '3'))
MISSING = '/resource_providers/%s' % uuid.uuid4()


def _gunicorn_options():
    # gunicorn 27 added a control socket that concurrent masters on one
    # host would share.
    out = subprocess.run([ops.placement_bin('gunicorn'), '--help'],
                         capture_output=True, text=True).stdout
    return ['--no-control-socket'] if '--no-control-socket' in out else []


LAUNCHERS = {
    'placement-api': lambda: [
        ops.placement_bin('placement-api'), '--port', '{port}',
        '--workers', str(WORKERS)],
    'gunicorn': lambda: [
        ops.placement_bin('gunicorn')] + _gunicorn_options() + [
        '--workers', str(WORKERS), '--bind', '127.0.0.1:{port}',
        'placement.wsgi.api:application'],
}


def worker_pids_with_app(log):
    """Workers that finished building the application (each says that
    auth is noauth2 once it has)."""
    return set(re.findall(r' (\d+) WARNING placement\.wsgi\.app .*noauth2',
                          log))


@pytest.mark.slow
@pytest.mark.parametrize('launcher', sorted(LAUNCHERS))
@pytest.mark.parametrize('backend', BACKENDS)
def test_workers_starting_together_migrate_once(backend, launcher, servers,
                                                tmp_path_factory):
    for attempt in range(REPEAT):
        database = ops.TestDatabase(backend, tmp_path_factory)
        try:
            server = servers(LAUNCHERS[launcher](),
                             PLACEMENT_DATABASE__CONNECTION=database.url,
                             PLACEMENT_DATABASE__SYNC_ON_STARTUP='True',
                             API__AUTH_STRATEGY='noauth2')
            server.wait_until(
                lambda: len(worker_pids_with_app(server.log())) == WORKERS,
                90, 'all %d workers to build the application' % WORKERS)
            # Requests on new connections spread over the workers.
            statuses = {server.get(MISSING).status for _ in range(3 * WORKERS)}
            assert statuses == {404}, server.log()[-3000:]
            log = server.log()
            assert server.alive(), log[-3000:]
            migrated = re.findall(r'Migrated the database schema from None',
                                  log)
            assert len(migrated) == 1, log[-5000:]
            for bad in ('Traceback', 'Worker failed to boot',
                        'Exception in worker process', 'ERROR'):
                assert bad not in log, log[-5000:]
            engine = ops.sa.create_engine(database.url)
            try:
                assert (migration.current_version(engine) ==
                        migration.head_version())
            finally:
                engine.dispose()
            server.stop()
        finally:
            database.drop()
