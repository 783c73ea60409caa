"""placement-api passes gunicorn's settings through: its own flags for the
request limits and timeouts, GUNICORN_CMD_ARGS for any other; a 6 KB query
string (member_of with 170 aggregates, as nova sends) works by default."""
import subprocess
import time
import uuid

import pytest

from tests.ops import conftest as ops
from tests.ops import process

SETTINGS = dict(API__AUTH_STRATEGY='noauth2',
                PLACEMENT_DATABASE__SYNC_ON_STARTUP='True')


@pytest.fixture
def start(tmp_path):
    """``start(*args, **env)``: placement-api with ``args`` and the plain
    environment variables ``env``, on its own SQLite database."""
    started = []

    def run(*args, **env):
        environ = process.clean_environ(
            PLACEMENT_DATABASE__CONNECTION='sqlite:///%s' % (
                tmp_path / ('%d.db' % len(started))), **SETTINGS)
        environ.update(env)
        server = process.Server(
            [ops.placement_bin('placement-api'), '--port', '{port}'] +
            list(args), environ, str(tmp_path))
        started.append(server)
        return server.start().wait_ready()

    yield run
    for server in started:
        server.stop()


def _member_of_query(server, aggregates=170):
    """A provider in the last of ``aggregates`` aggregates, and the
    path (over 6 KB) that lists them all."""
    rp = server.post('/resource_providers', {'name': 'compute-1'}).json
    members = [str(uuid.uuid4()) for _ in range(aggregates)]
    resp = process.request(server.port, 'PUT',
                           '/resource_providers/%s/aggregates' % rp['uuid'],
                           body={'aggregates': members[-1:],
                                 'resource_provider_generation': 0})
    assert resp.status == 200, resp
    path = '/resource_providers?member_of=in:' + ','.join(members)
    return rp['uuid'], path


def _booted_workers(server):
    return server.log().count('Booting worker')


def test_six_kb_query_string_works_by_default(start):
    server = start()
    rp_uuid, path = _member_of_query(server)
    assert len(path) > 6 * 1024
    resp = server.get(path)
    assert resp.status == 200, resp
    assert [p['uuid'] for p in resp.json['resource_providers']] == [rp_uuid]


def test_request_limits_pass_through(start):
    """gunicorn's own flag, not an oslo.config argument (which made every
    worker fail to boot, forever): a smaller limit refuses the same URL
    with 414 and the workers keep serving."""
    server = start('--limit-request-line', '4094', '--workers', '2')
    _rp_uuid, path = _member_of_query(server)
    assert server.get(path).status == 414
    assert server.get('/resource_providers').status == 200
    time.sleep(1)
    assert _booted_workers(server) == 2


def test_gunicorn_cmd_args_and_command_line_precedence(start):
    """Any gunicorn setting through GUNICORN_CMD_ARGS; placement-api's own
    flags win over it."""
    server = start('--limit-request-line', '0',
                   GUNICORN_CMD_ARGS='--limit-request-line 4094 '
                                     '--workers 2 --max-requests 1000')
    _rp_uuid, path = _member_of_query(server)
    assert server.get(path).status == 200
    time.sleep(1)
    assert _booted_workers(server) == 2


def test_unknown_option_fails_at_once(tmp_path):
    argv = [ops.placement_bin('placement-api'), '--port',
            str(process.free_port()), '--limit-request-lines', '8190']
    started = time.monotonic()
    done = subprocess.run(argv, env=process.clean_environ(**SETTINGS),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert 'unrecognized arguments: --limit-request-lines' in done.stderr
    assert 'Booting worker' not in done.stderr
    assert time.monotonic() - started < 30
