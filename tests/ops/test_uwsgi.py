"""The README's uWSGI command, run as it is written (on a local port, two
processes): chunked request bodies, a long URL, and SIGTERM.

uWSGI comes from the ``pyuwsgi`` package of the test extras.
"""
import http.client
import json
import os
import re
import shlex
import signal
import time
import uuid

import pytest
import webob

from placement.middleware import chunked_input
from tests.ops import process
from tests.ops.test_metrics import requests_from_two_workers
from tests.ops.test_metrics import samples
from tests.ops.test_metrics import value

README = os.path.join(os.path.dirname(__file__), '..', '..', 'README.rst')
UWSGI = os.path.join(process.BIN, 'uwsgi')
HEADERS = {'X-Auth-Token': 'admin', 'Accept': 'application/json',
           'OpenStack-API-Version': 'placement latest',
           'Content-Type': 'application/json'}


def readme_uwsgi_argv():
    with open(README) as f:
        text = f.read()
    match = re.search(r'^ *(uwsgi --http-socket (?:.*\\\n)*.*)$', text, re.M)
    assert match, 'no uwsgi command in README.rst'
    argv = shlex.split(match.group(1).replace('\\\n', ' '))
    argv[0] = UWSGI
    argv[argv.index('--http-socket') + 1] = '127.0.0.1:{port}'
    argv[argv.index('--processes') + 1] = '2'
    return argv


@pytest.fixture
def uwsgi_server(servers, tmp_path):
    assert os.path.exists(UWSGI), (
        'uwsgi is not installed: pip install -e .[test] installs pyuwsgi')
    return servers(readme_uwsgi_argv(),
                   API__AUTH_STRATEGY='noauth2',
                   PLACEMENT_DATABASE__CONNECTION='sqlite:///%s' % (
                       tmp_path / 'placement.db'),
                   PLACEMENT_DATABASE__SYNC_ON_STARTUP='True').wait_ready()


def send_chunked(port, method, path, document, chunk_size=7):
    """``document`` as JSON in a Transfer-Encoding: chunked body."""
    data = json.dumps(document).encode()
    chunks = (data[i:i + chunk_size] for i in range(0, len(data),
                                                      chunk_size))
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
    try:
        conn.request(method, path, body=chunks, headers=HEADERS,
                     encode_chunked=True)
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b'null')
    finally:
        conn.close()


def test_readme_uwsgi_command(uwsgi_server):
    port = uwsgi_server.port
    status, rp = send_chunked(port, 'POST', '/resource_providers',
                              {'name': 'compute-chunked'})
    assert status == 200, rp
    assert rp['name'] == 'compute-chunked'
    status, body = send_chunked(
        port, 'PUT', '/resource_providers/%s/inventories' % rp['uuid'],
        {'resource_provider_generation': 0,
         'inventories': {'VCPU': {'total': 8}}})
    assert status == 200, body
    assert body['inventories']['VCPU']['total'] == 8

    aggregates = [str(uuid.uuid4()) for _ in range(170)]
    status, _body = send_chunked(
        port, 'PUT', '/resource_providers/%s/aggregates' % rp['uuid'],
        {'aggregates': aggregates[:1], 'resource_provider_generation': 1})
    assert status == 200
    path = '/resource_providers?member_of=in:' + ','.join(aggregates)
    assert len(path) > 6 * 1024
    resp = uwsgi_server.get(path)
    assert resp.status == 200, resp
    assert [p['uuid'] for p in resp.json['resource_providers']] == [
        rp['uuid']]
    uwsgi_server.wait_until(
        lambda: '"POST /resource_providers" status: 200' in
        uwsgi_server.log(), 10, 'the request log line')

    # SIGTERM to the master stops uWSGI and its workers.
    master = uwsgi_server.proc
    started = time.monotonic()
    os.kill(master.pid, signal.SIGTERM)
    master.wait(timeout=20)
    assert time.monotonic() - started < 15
    with pytest.raises(ProcessLookupError):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            os.killpg(master.pid, 0)
            time.sleep(0.2)


def _chunked_request(app, read_chunk):
    """POST /resource_providers through ``app`` under DechunkedInput, the
    body coming from ``read_chunk`` as from uwsgi.chunked_read()."""
    req = webob.Request.blank(
        '/resource_providers', method='POST',
        headers=dict(HEADERS, **{'Transfer-Encoding': 'chunked'}))
    return req.get_response(chunked_input.DechunkedInput(app, read_chunk))


def test_broken_chunked_body_is_a_json_400(make_app):
    """uwsgi.chunked_read() raises OSError on a malformed or stalled
    chunk: the request is refused instead of going on with part of its
    body."""
    parts = [b'{"name": ', OSError('unable to receive chunked part')]

    def read_chunk():
        part = parts.pop(0)
        if isinstance(part, Exception):
            raise part
        return part

    resp = _chunked_request(make_app(), read_chunk)
    assert resp.status_int == 400
    error, = resp.json['errors']
    assert chunked_input.BROKEN_BODY in error['detail']
    assert error['request_id'] == resp.headers['x-openstack-request-id']


def test_chunked_body_size_limit(make_app):
    """The body size limit applies to a body read through uWSGI's chunked
    reader too, and stops reading once passed."""
    reads = []

    def read_chunk():
        reads.append(1)
        return b' ' * 1000

    app = make_app(api__max_request_body_size=10000)
    resp = _chunked_request(app, read_chunk)
    assert resp.status_int == 413
    assert len(reads) < 100
    chunks = [b'{"name": ', b'"rp-from-', b'chunks"}', b'']
    resp = _chunked_request(app, lambda: chunks.pop(0))
    assert resp.status_int == 200, resp.body
    assert resp.json['name'] == 'rp-from-chunks'


def test_uwsgi_metrics_add_up_every_process(tmp_path):
    """The README's uWSGI command with PROMETHEUS_MULTIPROC_DIR: each of
    the two processes counts in its own files, and /metrics, whichever
    process answers it, counts the requests of both."""
    metrics_dir = tmp_path / 'prom'
    metrics_dir.mkdir()
    server = process.Server(
        readme_uwsgi_argv(),
        dict(process.clean_environ(
            API__AUTH_STRATEGY='noauth2',
            PLACEMENT_DATABASE__CONNECTION='sqlite:///%s' % (
                tmp_path / 'placement.db'),
            PLACEMENT_DATABASE__SYNC_ON_STARTUP='True'),
            PROMETHEUS_MULTIPROC_DIR=str(metrics_dir)),
        str(tmp_path))
    server.start()
    try:
        server.wait_ready()
        sent = requests_from_two_workers(
            server, metrics_dir, '/resource_providers/%s' % uuid.uuid4())
        for _ in range(4):  # whichever process answers /metrics
            response = process.request(server.port, 'GET', '/metrics',
                                       headers={'Accept': 'text/plain'})
            assert response.status == 200, response
            found = samples(response.body.decode())
            assert value(found, 'placement_http_requests_total',
                         route='/resource_providers/{uuid}', method='GET',
                         status='404') == sent
    finally:
        server.stop()
