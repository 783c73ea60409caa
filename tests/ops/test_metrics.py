"""GET /metrics: what is counted, who may read it, where it is served, and
prometheus-client's multi-process mode under a real multi-worker gunicorn.

The in-process tests share the process's default registry, so they
compare counts before and after their own requests."""
import os
import uuid

from oslo_db import exception as db_exc
from prometheus_client import parser
import pytest
import sqlalchemy as sa

from placement.db import api as db_api
from placement.db import migration
from placement import deploy
from tests.conftest import Client
from tests.conftest import make_conf
from tests.ops import conftest as ops
from tests.ops import process

RP = '/resource_providers'


def samples(text):
    """{(sample name, sorted label items): value} of an exposition."""
    found = {}
    for family in parser.text_string_to_metric_families(text):
        for sample in family.samples:
            found[sample.name, tuple(sorted(sample.labels.items()))] = (
                sample.value)
    return found


def value(found, name, **labels):
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def app_and_db(tmp_path):
    built = []

    def build(**options):
        conf = make_conf('sqlite:///%s' % (tmp_path / 'p.db'), {
            tuple(key.split('__')): v for key, v in options.items()})
        db = db_api.Database(conf)
        migration.upgrade(db.engine)
        built.append(db)
        return Client(deploy.build_app(conf, db)), db

    yield build
    for db in built:
        db.dispose()


def _metrics(client):
    response = client.get('/metrics', headers={'accept': 'text/plain'})
    assert response.status == 200, response
    assert response.headers['content-type'].startswith('text/plain')
    return samples(response.body.decode())


def test_requests_conflicts_and_searches_are_counted(app_and_db):
    client, _db = app_and_db()
    before = _metrics(client)
    created = client.post(RP, json={'name': 'cn1'}, version='1.20')
    assert created.status == 200
    rp_uuid = created.json['uuid']
    assert client.get(RP + '/' + rp_uuid).status == 200
    assert client.get(RP + '/' + str(uuid.uuid4())).status == 404
    duplicate = client.post(RP, json={'name': 'cn1'})
    assert duplicate.status == 409
    assert client.get('/allocation_candidates?resources=VCPU:1'
                      ).json['allocation_requests'] == []
    assert client.get('/no/such/url').status == 404
    after = _metrics(client)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    requests = 'placement_http_requests_total'
    assert grew(requests, route=RP, method='POST', status='200') == 1
    assert grew(requests, route=RP, method='POST', status='409') == 1
    assert grew(requests, route=RP + '/{uuid}', method='GET',
                status='200') == 1
    assert grew(requests, route=RP + '/{uuid}', method='GET',
                status='404') == 1
    assert grew(requests, route='unmatched', method='GET',
                status='404') == 1
    assert grew('placement_http_request_duration_seconds_count',
                route=RP + '/{uuid}', method='GET', status='200') == 1
    assert grew('placement_http_conflicts_total',
                code='placement.duplicate_name') == 1
    assert grew('placement_allocation_candidates_search_duration_seconds_'
                'count', answer='0') == 1
    assert grew('placement_allocation_candidates_answer_size_bucket',
                le='0.0') == 1
    for kind in ('deadlock', 'certification_failure', 'sqlite_locked',
                 'generation_race'):
        assert ('placement_db_retries_total', (('kind', kind),)) in after


def test_retries_are_counted_by_kind(app_and_db):
    """Faults injected below the API: a provider create aborted by a
    locked SQLite database, a deadlock and a Galera certification failure
    in turn, and a provider generation that changed under an allocation
    write once; both writes succeed on their retries."""
    client, db = app_and_db()
    injected = {'aborted': 0, 'race': 0}
    # What each of the first three attempts to create a provider meets.
    aborts = [
        sa.exc.OperationalError('INSERT', {}, Exception('database is '
                                                        'locked')),
        db_exc.DBDeadlock(Exception('Deadlock found when trying to get '
                                    'lock; try restarting transaction')),
        db_exc.DBDeadlock(Exception('WSREP detected deadlock/conflict and '
                                    'aborted the transaction.')),
    ]

    @sa.event.listens_for(db.engine, 'before_cursor_execute', retval=True)
    def fault(conn, cursor, statement, parameters, context, many):
        if (statement.startswith('INSERT INTO resource_providers') and
                aborts):
            injected['aborted'] += 1
            raise aborts.pop(0)
        if (statement.startswith('UPDATE resource_providers SET '
                                 'generation') and
                injected['race'] == 0 and injected.get('armed')):
            injected['race'] += 1
            # The WHERE generation = ? of a writer that lost the race.
            parameters = tuple(parameters[:-1]) + (parameters[-1] - 1,)
        return statement, parameters

    before = _metrics(client)
    created = client.post(RP, json={'name': 'cn1'})
    assert created.status == 200, created
    rp_uuid = created.json['uuid']
    assert client.put(RP + '/%s/inventories' % rp_uuid, json={
        'resource_provider_generation': 0,
        'inventories': {'VCPU': {'total': 8}}}).status == 200
    injected['armed'] = True
    written = client.put('/allocations/%s' % uuid.uuid4(), json={
        'allocations': {rp_uuid: {'resources': {'VCPU': 1}}},
        'project_id': 'p', 'user_id': 'u', 'consumer_generation': None,
        'consumer_type': 'INSTANCE'})
    assert written.status == 204, written
    assert injected == {'aborted': 3, 'race': 1, 'armed': True}
    after = _metrics(client)
    for kind, grown in (('sqlite_locked', 1), ('generation_race', 1),
                        ('deadlock', 1), ('certification_failure', 1)):
        assert (value(after, 'placement_db_retries_total', kind=kind) -
                value(before, 'placement_db_retries_total', kind=kind)
                ) == grown, kind


def test_unreachable_database_is_counted_and_metrics_still_served():
    port = process.free_port()
    conf = make_conf('postgresql+psycopg2://postgres@127.0.0.1:%d/x' % port)
    db = db_api.Database(conf)
    try:
        client = Client(deploy.build_app(conf, db))
        before = _metrics(client)
        assert client.get(RP).status == 503
        after = _metrics(client)
    finally:
        db.dispose()
    assert (value(after, 'placement_db_errors_total') -
            value(before, 'placement_db_errors_total')) == 1
    assert (value(after, 'placement_http_requests_total', route=RP,
                  method='GET', status='503') -
            value(before, 'placement_http_requests_total', route=RP,
                  method='GET', status='503')) == 1


def test_policy_and_serving_options(app_and_db):
    client, _db = app_and_db()
    reader = client.get('/metrics', headers={
        'x-auth-token': 'someone:project', 'x-roles': 'reader,member'})
    assert reader.status == 403
    for serve in ('none', 'port'):
        client, _db = app_and_db(metrics__serve=serve)
        assert client.get('/metrics').status == 404


def _gunicorn_metrics(port):
    response = process.request(port, 'GET', '/metrics',
                               headers={'Accept': 'text/plain'})
    assert response.status == 200, response
    return samples(response.body.decode())


def requests_from_two_workers(server, metrics_dir, path, ignore=None):
    """GET ``path`` (a 404) until two worker processes have counted some
    in their own files in ``metrics_dir`` (bounded); the number sent."""
    def worker_files():
        return {name for name in os.listdir(metrics_dir)
                if name.startswith('counter_') and name != ignore}
    sent = 0
    while sent < 300 and (sent < 30 or len(worker_files()) < 2):
        assert server.get(path).status == 404
        sent += 1
    assert len(worker_files()) == 2, worker_files()
    return sent


def test_multiprocess_gunicorn_adds_up_every_worker(empty_database,
                                                    servers, tmp_path):
    """Two workers, each counting in its own files: /metrics, whichever
    worker answers it, counts every request of both; a separate listener
    (serve = port) in the master sees the same."""
    metrics_dir = tmp_path / 'prom'
    metrics_dir.mkdir()
    (metrics_dir / 'counter_99999.db').write_bytes(b'stale')
    metrics_port = process.free_port()
    env = process.clean_environ(
        PLACEMENT_DATABASE__CONNECTION=empty_database.url,
        PLACEMENT_DATABASE__SYNC_ON_STARTUP='True',
        API__AUTH_STRATEGY='noauth2')
    server = process.Server(
        [ops.placement_bin('placement-api'), '--port', '{port}',
         '--workers', '2'],
        dict(env, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir)),
        str(tmp_path))
    server.start()
    try:
        server.wait_ready()
        assert not (metrics_dir / 'counter_99999.db').exists()
        missing = RP + '/' + str(uuid.uuid4())
        sent = requests_from_two_workers(
            server, metrics_dir, missing,
            ignore='counter_%d.db' % server.proc.pid)
        for _ in range(3):  # whichever worker answers /metrics
            found = _gunicorn_metrics(server.port)
            assert value(found, 'placement_http_requests_total',
                         route=RP + '/{uuid}', method='GET',
                         status='404') == sent
    finally:
        server.stop()

    server = servers([ops.placement_bin('placement-api'), '--port',
                      '{port}', '--workers', '2'],
                     PLACEMENT_DATABASE__CONNECTION=empty_database.url,
                     API__AUTH_STRATEGY='noauth2', METRICS__SERVE='port',
                     METRICS__PORT=str(metrics_port)).wait_ready()
    for _ in range(10):
        assert server.get(RP).status == 200
    assert server.get('/metrics').status == 404
    found = _gunicorn_metrics(metrics_port)
    assert value(found, 'placement_http_requests_total', route=RP,
                 method='GET', status='200') == 10
    assert value(found, 'placement_db_pool_connections',
                 state='checked_out') == 0
