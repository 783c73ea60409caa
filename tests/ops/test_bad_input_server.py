"""Bad input that only a real HTTP exchange can produce, against a
placement-api process over a raw socket: a Content-Length larger than the
body followed by a half close, raw non-UTF-8 path bytes, a request line
gunicorn cannot parse, a body over the size limit, deep nesting. Every
answer is the JSON error body, never the WSGI server's HTML page."""
import json
import socket

import pytest

from tests.ops import conftest as ops
from tests.ops import process

HEADERS = (b'Host: 127.0.0.1\r\nX-Auth-Token: admin\r\n'
           b'OpenStack-API-Version: placement latest\r\n'
           b'Connection: close\r\n')


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('bad-input')
    srv = process.Server(
        [ops.placement_bin('placement-api'), '--port', '{port}'],
        process.clean_environ(
            PLACEMENT_DATABASE__CONNECTION='sqlite:///%s' % (tmp / 'p.db'),
            PLACEMENT_DATABASE__SYNC_ON_STARTUP='True',
            API__AUTH_STRATEGY='noauth2',
            API__MAX_REQUEST_BODY_SIZE='4096'),
        str(tmp)).start()
    try:
        yield srv.wait_ready()
    finally:
        srv.stop()


def exchange(port, data, half_close=False):
    """Send ``data`` as is; the status and the parsed JSON body of the
    answer."""
    with socket.create_connection(('127.0.0.1', port), timeout=20) as sock:
        sock.sendall(data)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        answer = b''
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    head, _sep, body = answer.partition(b'\r\n\r\n')
    lines = head.decode('latin-1').split('\r\n')
    status = int(lines[0].split()[1])
    headers = dict(line.split(': ', 1) for line in lines[1:])
    assert headers['Content-Type'] == 'application/json', answer
    error, = json.loads(body)['errors']
    assert error['status'] == status
    assert error['request_id'].startswith('req-')
    assert error['code'] == 'placement.undefined_code'
    return status, error['detail']


def request(method, path, body=b'', content_length=None):
    data = b'%s %s HTTP/1.1\r\n' % (method, path) + HEADERS
    if body or content_length is not None:
        data += b'Content-Type: application/json\r\nContent-Length: %d\r\n' % (
            len(body) if content_length is None else content_length)
    return data + b'\r\n' + body


def test_content_length_larger_than_body_is_400(server):
    body = b'{"name": "short-body"}'
    status, detail = exchange(
        server.port, request(b'POST', b'/resource_providers', body,
                             len(body) + 17), half_close=True)
    assert status == 400
    assert 'ended after %d of the %d bytes' % (len(body), len(body) + 17) \
        in detail
    listed = server.get('/resource_providers?name=short-body').json
    assert listed['resource_providers'] == []


@pytest.mark.parametrize('raw', [b'%FF%FE', b'%C0%AF', b'%ED%A0%80'])
def test_non_utf8_path_bytes_are_json_404(server, raw):
    for method, path in [(b'GET', b'/resource_providers/' + raw),
                         (b'DELETE', b'/resource_providers/%s/traits' % raw),
                         (b'GET', b'/resource_classes/' + raw),
                         (b'GET', b'/' + raw)]:
        status, _detail = exchange(server.port, request(method, path))
        assert status == 404, path
    status, detail = exchange(server.port,
                              request(b'PUT', b'/traits/CUSTOM_' + raw))
    assert status == 400 and 'The trait is invalid' in detail


def test_request_line_gunicorn_cannot_parse_is_json_400(server):
    status, detail = exchange(server.port,
                              request(b'GET', b'%00/resource_providers'))
    assert status == 400 and 'Invalid Request Line' in detail


def test_body_over_the_limit_is_413_before_it_is_read(server):
    # Announce far more than is sent: the answer comes from the header.
    status, detail = exchange(
        server.port, request(b'POST', b'/resource_providers', b'{}',
                             content_length=10 ** 9), half_close=True)
    assert status == 413
    assert 'is 1000000000 bytes; at most 4096 bytes are accepted' in detail


def test_chunked_body_over_the_limit_is_413(server):
    chunk = b'{"name": "%s"}' % (b'x' * 5000)
    data = (b'POST /resource_providers HTTP/1.1\r\n' + HEADERS +
            b'Content-Type: application/json\r\n'
            b'Transfer-Encoding: chunked\r\n\r\n' +
            b'%x\r\n%s\r\n0\r\n\r\n' % (len(chunk), chunk))
    status, detail = exchange(server.port, data)
    assert status == 413 and 'larger than 4096 bytes' in detail


def test_deep_nesting_is_400(server):
    body = b'{"name": ' + b'[' * 1000 + b']' * 1000 + b'}'
    status, detail = exchange(server.port,
                              request(b'POST', b'/resource_providers', body))
    assert status == 400 and 'nested more than 32 levels deep' in detail
