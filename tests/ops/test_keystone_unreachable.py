"""keystone authentication with a keystone that does not answer: requests
carrying a token fail within a bounded time ([keystone_authtoken]
http_connect_timeout, placement default 5 s) with placement's JSON 503,
and the worker lives on. Before, keystonemiddleware waited without limit
until gunicorn killed the worker (120 s) and the client got an HTML 500.
"""
import socket
import threading
import time

import pytest

from tests.ops import conftest as ops
from tests.ops import process


class SilentKeystone:
    """Accepts connections and never answers: a hung keystone, or a
    firewall that drops packets after the handshake."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def silent_keystone():
    keystone = SilentKeystone()
    yield keystone
    keystone.close()


def _keystone_settings(port, tmp_path, **extra):
    url = 'http://127.0.0.1:%d/identity' % port
    settings = {
        'API__AUTH_STRATEGY': 'keystone',
        'PLACEMENT_DATABASE__CONNECTION': 'sqlite:///%s' % (
            tmp_path / 'placement.db'),
        'PLACEMENT_DATABASE__SYNC_ON_STARTUP': 'True',
        'KEYSTONE_AUTHTOKEN__WWW_AUTHENTICATE_URI': url,
        'KEYSTONE_AUTHTOKEN__AUTH_URL': url,
        'KEYSTONE_AUTHTOKEN__AUTH_TYPE': 'password',
        'KEYSTONE_AUTHTOKEN__USERNAME': 'placement',
        'KEYSTONE_AUTHTOKEN__PASSWORD': 'secret',
        'KEYSTONE_AUTHTOKEN__PROJECT_NAME': 'service',
        'KEYSTONE_AUTHTOKEN__USER_DOMAIN_NAME': 'Default',
        'KEYSTONE_AUTHTOKEN__PROJECT_DOMAIN_NAME': 'Default',
    }
    settings.update(extra)
    return settings


def _timed_request(server, token):
    started = time.monotonic()
    resp = process.request(server.port, 'GET', '/resource_providers',
                           headers={'X-Auth-Token': token}, timeout=150)
    return resp, time.monotonic() - started


def _assert_json_503(resp):
    assert resp.status == 503, resp
    assert resp.headers['Content-Type'] == 'application/json'
    error, = resp.json['errors']
    assert error['status'] == 503
    assert 'keystone' in error['detail']
    assert error['request_id'] == resp.headers['x-openstack-request-id']


def _start(servers, settings, *args):
    return servers([ops.placement_bin('placement-api'), '--port', '{port}',
                    '--workers', '1'] + list(args),
                   **settings).wait_ready()


def test_silent_keystone_default_bound(servers, silent_keystone, tmp_path):
    server = _start(servers, _keystone_settings(silent_keystone.port,
                                                tmp_path))
    resp, elapsed = _timed_request(server, 'token-1')
    _assert_json_503(resp)
    # The default: 5 s per call to keystone, one retry after a failed
    # connection; far below the 120 s after which gunicorn kills workers.
    assert 4 < elapsed < 30, elapsed
    assert 'WORKER TIMEOUT' not in server.log()
    assert server.get('/').status == 200


def test_silent_keystone_configured_bound(servers, silent_keystone,
                                          tmp_path):
    server = _start(servers, _keystone_settings(
        silent_keystone.port, tmp_path,
        KEYSTONE_AUTHTOKEN__HTTP_CONNECT_TIMEOUT='1',
        KEYSTONE_AUTHTOKEN__HTTP_REQUEST_MAX_RETRIES='0'))
    for token in ('token-1', 'token-2'):
        resp, elapsed = _timed_request(server, token)
        _assert_json_503(resp)
        assert elapsed < 4, elapsed
    # Both refusals are in the request log (written once the answer has
    # been sent).
    server.wait_until(
        lambda: server.log().count(
            '"GET /resource_providers" status: 503') == 2,
        10, 'two request log lines')


def test_refused_keystone_is_json_503(servers, tmp_path):
    server = _start(servers, _keystone_settings(process.free_port(),
                                                tmp_path))
    resp, elapsed = _timed_request(server, 'token-1')
    _assert_json_503(resp)
    assert elapsed < 10, elapsed
    # Without a token there is nothing to ask keystone: 401 as ever.
    resp = process.request(server.port, 'GET', '/resource_providers',
                           headers={'X-Auth-Token': ''})
    assert resp.status == 401
