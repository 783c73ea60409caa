"""The database goes away under a running service, or is away when it
starts: requests are answered 503 with a JSON error that gives nothing of
the database away, promptly, and the service recovers by itself.

The link between the service and PostgreSQL/MariaDB runs through a TCP
proxy that the test cuts and restores; the database server itself is left
alone.
"""
import time
import uuid

import pytest
import sqlalchemy as sa

from tests.ops import conftest as ops
from tests.ops import process

NETWORK_BACKENDS = ['postgresql', 'mysql']
ANSWER_WITHIN = 10
RECOVER_WITHIN = 30


@pytest.fixture(params=NETWORK_BACKENDS)
def proxied_database(request, tmp_path_factory):
    """(empty database, proxy to its server, URL through the proxy); the
    proxy is not listening yet."""
    database = ops.TestDatabase(request.param, tmp_path_factory)
    url = sa.engine.make_url(database.url)
    proxy = process.TcpProxy(url.host, url.port)
    via_proxy = url.set(port=proxy.port).render_as_string(hide_password=False)
    yield database, proxy, via_proxy
    proxy.cut()
    database.drop()


def start_service(servers, url):
    return servers([ops.placement_bin('placement-api'), '--port', '{port}',
                    '--threads', '2'],
                   PLACEMENT_DATABASE__CONNECTION=url,
                   PLACEMENT_DATABASE__SYNC_ON_STARTUP='True',
                   API__AUTH_STRATEGY='noauth2')


def assert_unavailable(resp, database, proxy):
    assert resp.status == 503, resp
    assert resp.headers['Content-Type'].startswith('application/json')
    error = resp.json['errors'][0]
    assert error['status'] == 503
    text = ' '.join((error['title'], error['detail'])).lower()
    db_url = sa.engine.make_url(database.url)
    for secret in ('127.0.0.1', 'localhost', str(db_url.port),
                   str(proxy.port), database.name, 'psycopg', 'pymysql',
                   'mysql', 'mariadb', 'postgres', 'sqlalchemy', 'select ',
                   'insert ', 'operationalerror', 'connection refused'):
        assert secret.lower() not in text, (secret, text)


def timed(call):
    started = time.monotonic()
    resp = call()
    elapsed = time.monotonic() - started
    assert elapsed < ANSWER_WITHIN, (elapsed, resp)
    return resp


def test_outage_is_503_then_recovers(proxied_database, servers):
    database, proxy, url = proxied_database
    proxy.start()
    server = start_service(servers, url).wait_ready()
    resp = server.post('/resource_providers', {'name': 'before-outage'})
    assert resp.status == 200, resp
    provider = '/resource_providers/%s' % resp.json['uuid']

    proxy.cut()
    for call in (lambda: server.get(provider),
                 lambda: server.get('/resource_providers'),
                 lambda: server.post('/resource_providers',
                                     {'name': 'during-outage'})):
        assert_unavailable(timed(call), database, proxy)
    assert server.get('/').status == 200

    proxy.restore()
    server.wait_until(lambda: server.get(provider).status == 200,
                      RECOVER_WITHIN, 'the provider to be readable again')
    resp = server.post('/resource_providers', {'name': 'after-outage'})
    assert resp.status == 200, resp
    names = {rp['name'] for rp in
             server.get('/resource_providers').json['resource_providers']}
    # Nothing asked for during the outage was written.
    assert names == {'before-outage', 'after-outage'}
    assert server.alive()


def test_service_started_without_database_comes_up(proxied_database,
                                                   servers):
    database, proxy, url = proxied_database
    server = start_service(servers, url).wait_ready()
    assert_unavailable(timed(lambda: server.get('/resource_providers')),
                       database, proxy)
    assert 'resource_providers' not in ops.table_names(database.url)

    proxy.start()
    server.wait_until(
        lambda: server.get('/resource_providers').status == 200,
        RECOVER_WITHIN, 'the schema to be created and requests served')
    resp = server.post('/resource_providers', {'name': str(uuid.uuid4())})
    assert resp.status == 200, resp
    assert server.log().count('Migrated the database schema from None') == 1
