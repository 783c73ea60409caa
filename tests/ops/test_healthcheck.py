"""/healthcheck: oslo.middleware's healthcheck, before authentication and
the database, configured by the [healthcheck] options."""
import json

import webob

from tests.ops import conftest as ops
from tests.ops import process


def _probe(port, method='GET', accept=None):
    conn = process.http.client.HTTPConnection('127.0.0.1', port, timeout=10)
    try:
        conn.request(method, '/healthcheck',
                     headers={'Accept': accept} if accept else {})
        resp = conn.getresponse()
        return resp.status, resp.getheader('Content-Type'), resp.read()
    finally:
        conn.close()


def test_healthcheck_needs_no_token_and_no_database(servers):
    """keystone authentication with no keystone, and a database that
    refuses connections: the probe still answers, the API does not."""
    dead = process.free_port()
    server = servers(
        [ops.placement_bin('placement-api'), '--port', '{port}'],
        API__AUTH_STRATEGY='keystone',
        KEYSTONE_AUTHTOKEN__AUTH_URL='http://127.0.0.1:%d/identity' % dead,
        KEYSTONE_AUTHTOKEN__AUTH_TYPE='password',
        PLACEMENT_DATABASE__CONNECTION=(
            'postgresql+psycopg2://nobody@127.0.0.1:%d/nothing' % dead),
        PLACEMENT_DATABASE__SYNC_ON_STARTUP='True').wait_ready()
    status, content_type, body = _probe(server.port)
    assert status == 200
    assert content_type.startswith('text/plain')
    assert _probe(server.port, method='HEAD')[0] == 204
    status, content_type, body = _probe(server.port,
                                        accept='application/json')
    assert (status, json.loads(body)) == (200, {'detailed': False,
                                               'reasons': []})
    # Anything else still needs a token.
    resp = process.request(server.port, 'GET', '/resource_providers',
                           headers={'X-Auth-Token': ''})
    assert resp.status == 401


def test_disable_by_file_takes_a_host_out(make_client, tmp_path):
    flag = tmp_path / 'healthcheck-disable'
    client = make_client(healthcheck__backends=['disable_by_file'],
                         healthcheck__disable_by_file_path=str(flag))
    assert client.get('/healthcheck').status == 200
    flag.write_text('')
    resp = client.get('/healthcheck', headers={'accept': 'text/plain'})
    assert (resp.status, resp.body) == (503, b'DISABLED BY FILE')
    flag.unlink()
    assert client.get('/healthcheck').status == 200


def test_allowed_source_ranges_hides_it_from_others(make_app):
    app = make_app(healthcheck__allowed_source_ranges=['10.0.0.0/8'])

    def probe(remote_addr):
        return webob.Request.blank(
            '/healthcheck', remote_addr=remote_addr,
            headers={'Accept': 'application/json',
                     'X-Auth-Token': 'admin'}).get_response(app)

    assert probe('10.1.2.3').status_int == 200
    # Not for this source: the API answers, as for any unknown URL.
    resp = probe('192.0.2.1')
    assert resp.status_int == 404
    assert resp.json['errors'][0]['status'] == 404


def test_healthcheck_can_be_turned_off(make_client):
    client = make_client(healthcheck__enabled=False)
    resp = client.get('/healthcheck')
    assert resp.status == 404
    assert resp.json['errors'][0]['status'] == 404
    assert make_client().get('/healthcheck').status == 200
