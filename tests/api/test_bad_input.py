"""Bad input at the edge of the API: bodies nested too deeply, too large,
or shorter than announced, and paths whose bytes are not UTF-8. Each is a
4xx with the JSON error body, and a rejected write changes nothing."""
import io
import json

import pytest
import webob

from placement import deploy
from tests.conftest import Client
from tests.conftest import make_conf

RP = '/resource_providers'
UUID = 'a2a7a3c6-6b8b-4f86-8d53-1a0a3f6b9b5e'


def _error(resp, status):
    assert resp.status == status, resp
    assert resp.headers['content-type'] == 'application/json'
    (error,) = resp.json['errors']
    assert error['status'] == status
    assert error['request_id'].startswith('req-')
    assert error['code'] == 'placement.undefined_code'
    return error['detail']


def _raw(app, method, path, body, content_length=None, chunked=False,
         version='latest'):
    """A request whose body stream and Content-Length may disagree, as a
    WSGI server hands them over."""
    req = webob.Request.blank(path, method=method, headers={
        'x-auth-token': 'admin', 'accept': 'application/json',
        'openstack-api-version': 'placement %s' % version,
        'content-type': 'application/json'})
    req.environ['wsgi.input'] = io.BytesIO(body)
    if chunked:
        req.environ.pop('CONTENT_LENGTH', None)
        req.environ['wsgi.input_terminated'] = True
        req.environ['HTTP_TRANSFER_ENCODING'] = 'chunked'
    else:
        req.environ['CONTENT_LENGTH'] = str(
            len(body) if content_length is None else content_length)
    resp = req.get_response(app)
    return _Resp(resp)


class _Resp:
    def __init__(self, resp):
        self.status = resp.status_int
        self.headers = resp.headers
        self.json = json.loads(resp.body) if resp.body else None

    def __repr__(self):
        return '<%s %r>' % (self.status, self.json)


@pytest.fixture(scope='module')
def small_app(database, db):
    """The application with small limits: 200 bytes, depth 4."""
    conf = make_conf(database.url, {('api', 'max_request_body_size'): 200,
                                    ('api', 'max_json_depth'): 4})
    return deploy.build_app(conf, db)


def _providers(client):
    return client.get(RP).json['resource_providers']


@pytest.mark.parametrize('opening, closing', [
    ('[', ']'), ('{"a":', '}')])
@pytest.mark.parametrize('levels', [40, 5000, 100000])
def test_deep_nesting_is_400(client, opening, closing, levels):
    body = '{"name": %s1%s}' % (opening * levels, closing * levels)
    resp = client.post(RP, body=body.encode(),
                       content_type='application/json')
    assert 'nested more than 32 levels deep' in _error(resp, 400)
    assert _providers(client) == []


def test_deep_nesting_in_every_json_body(client):
    rp = client.post(RP, json={'name': 'deep'}).json
    deep = json.loads('[' * 50 + ']' * 50)
    for method, path, body in [
            ('PUT', RP + '/' + rp['uuid'], {'name': deep}),
            ('PUT', RP + '/%s/traits' % rp['uuid'],
             {'traits': deep, 'resource_provider_generation': 0}),
            ('PUT', RP + '/%s/aggregates' % rp['uuid'], deep),
            ('PUT', RP + '/%s/inventories' % rp['uuid'],
             {'inventories': {'VCPU': {'total': deep}},
              'resource_provider_generation': 0}),
            ('PUT', '/allocations/' + UUID, {'allocations': deep}),
            ('POST', '/allocations', {UUID: deep}),
            ('POST', '/reshaper', {'inventories': deep,
                                   'allocations': {}}),
            ('POST', '/resource_classes', {'name': deep})]:
        resp = client.request(method, path, json_body=body,
                              headers={'x-roles': 'admin,service'})
        assert 'nested more than' in _error(resp, 400), (method, path)
    assert client.get(RP + '/' + rp['uuid']).json['generation'] == 0


def test_depth_limit_is_configurable(small_app):
    client = Client(small_app)
    # Depth 4 is accepted (and fails validation), depth 5 is not.
    at_limit = client.post(RP, json={'name': [[[1]]]})
    assert 'JSON does not validate' in _error(at_limit, 400)
    over = client.post(RP, json={'name': [[[[1]]]]})
    assert 'nested more than 4 levels deep' in _error(over, 400)


def test_body_larger_than_limit_is_413(small_app):
    client = Client(small_app)
    resp = client.post(RP, json={'name': 'x' * 300})
    detail = _error(resp, 413)
    assert 'is 312 bytes; at most 200 bytes are accepted' in detail
    assert client.post(RP, json={'name': 'x' * 100}).status == 200


def test_chunked_body_larger_than_limit_is_413(small_app):
    body = json.dumps({'name': 'x' * 300}).encode()
    resp = _raw(small_app, 'POST', RP, body, chunked=True)
    assert 'larger than 200 bytes' in _error(resp, 413)
    small = json.dumps({'name': 'chunked'}).encode()
    resp = _raw(small_app, 'POST', RP, small, chunked=True)
    assert resp.status == 200 and resp.json['name'] == 'chunked'


def test_body_shorter_than_content_length_is_400(client):
    body = json.dumps({'name': 'short'}).encode()
    resp = _raw(client.app, 'POST', RP, body, content_length=len(body) + 17)
    detail = _error(resp, 400)
    assert 'ended after %d of the %d bytes' % (len(body), len(body) + 17) \
        in detail
    assert _providers(client) == []


def test_exact_content_length_is_read(client):
    body = json.dumps({'name': 'exact'}).encode()
    resp = _raw(client.app, 'POST', RP, body + b'garbage', len(body))
    assert resp.status == 200 and resp.json['name'] == 'exact'


def test_content_length_that_is_not_a_number_is_400(client):
    resp = _raw(client.app, 'POST', RP, b'{}', content_length='12abc')
    assert 'not a byte count: 12abc' in _error(resp, 400)


@pytest.mark.parametrize('encoded, shown', [
    ('%FF%FE', '\u00ff\u00fe'), ('%C0%AF', '\u00c0\u00af'),
    ('%ED%A0%80', '\u00ed\u00a0\u0080')])
def test_path_bytes_that_are_not_utf8_name_nothing(client, encoded, shown):
    """As in OpenStack Placement, such a path is read one character per
    byte: it names nothing (404), or a name the pattern refuses (400)."""
    for path, status, text in [
            (RP + '/' + encoded, 404, 'No resource provider with uuid ' +
             shown),
            (RP + '/%s/inventories' % encoded, 404, shown),
            ('/traits/' + encoded, 404, 'No such trait(s): ' + shown),
            ('/resource_classes/' + encoded, 404,
             'No such resource class ' + shown),
            ('/' + encoded, 404, '')]:
        assert text in _error(client.get(path), status), path
    assert 'The trait is invalid' in _error(
        client.put('/traits/' + encoded), 400)
    assert _error(client.delete(RP + '/' + encoded), 404)


def test_utf8_path_is_unchanged(client):
    resp = client.get('/traits/CUSTOM_%C3%A9')
    assert 'No such trait(s): CUSTOM_\u00e9.' in _error(resp, 404)


@pytest.mark.parametrize('text', ['\\ud800', 'a\\udfffb'])
def test_lone_surrogate_in_a_string_is_400(client, text):
    for body in ('{"name": "%s"}' % text, '{"name": "x", "%s": 1}' % text):
        resp = client.post(RP, body=body.encode(),
                           content_type='application/json')
        assert 'lone UTF-16 surrogate' in _error(resp, 400)
    assert _providers(client) == []
    # A surrogate pair is one character, and fine.
    resp = client.post(RP, body=b'{"name": "\\ud83d\\ude00"}',
                       content_type='application/json')
    assert resp.status == 200 and resp.json['name'] == '\U0001f600'


@pytest.mark.parametrize('amount', [2 ** 31, 2 ** 63, 10 ** 20])
def test_amount_no_integer_column_can_hold_matches_nothing(client, amount):
    rp = client.post(RP, json={'name': 'big'}).json
    client.put(RP + '/%s/inventories' % rp['uuid'], json={
        'resource_provider_generation': 0,
        'inventories': {'VCPU': {'total': 8}}})
    for path in (RP, '/allocation_candidates'):
        resp = client.get(path + '?resources=VCPU:%d' % amount)
        assert resp.status == 200, resp
        assert resp.json.get('resource_providers', []) == []
        assert resp.json.get('allocation_requests', []) == []
    assert len(client.get(RP + '?resources=VCPU:8').json[
        'resource_providers']) == 1


@pytest.mark.parametrize('value', ['NaN', 'Infinity', '-Infinity', '1e309'])
def test_numbers_that_are_not_finite_are_400(client, value):
    rp = client.post(RP, json={'name': 'nan'}).json
    body = ('{"resource_class": "VCPU", "total": 8, "allocation_ratio": %s}'
            % value)
    resp = client.post(RP + '/%s/inventories' % rp['uuid'],
                       body=body.encode(), content_type='application/json')
    assert 'Malformed JSON: %s is' % value in _error(resp, 400)
    inventories = client.get(RP + '/%s/inventories' % rp['uuid']).json
    assert inventories == {'resource_provider_generation': 0,
                           'inventories': {}}


def test_integral_float_generation_is_that_generation(client):
    """JSON Schema's integer admits 4.0 (as OpenStack Placement does); it
    names generation 4, and is answered at once."""
    rp = client.post(RP, json={'name': 'float-gen'}).json
    url = RP + '/%s/traits' % rp['uuid']
    resp = client.put(url, json={'traits': ['HW_CPU_X86_AVX'],
                                 'resource_provider_generation': 0.0})
    assert resp.status == 200, resp
    assert resp.json['resource_provider_generation'] == 1
    assert client.put(url, json={
        'traits': [], 'resource_provider_generation': 0.5}).status == 400
    stale = client.put(url, json={'traits': [],
                                  'resource_provider_generation': 0.0})
    assert stale.status == 409


def test_nul_in_project_or_user_is_400(client):
    rp = client.post(RP, json={'name': 'nul'}).json
    client.put(RP + '/%s/inventories' % rp['uuid'], json={
        'resource_provider_generation': 0,
        'inventories': {'VCPU': {'total': 8}}})
    body = {'allocations': {rp['uuid']: {'resources': {'VCPU': 1}}},
            'project_id': 'p', 'user_id': 'u', 'consumer_generation': None,
            'consumer_type': 'INSTANCE'}
    for field in ('project_id', 'user_id'):
        resp = client.put('/allocations/' + UUID,
                          json=dict(body, **{field: 'a\x00b'}))
        assert 'JSON does not validate' in _error(resp, 400)
    assert client.get(RP + '/%s/usages' % rp['uuid']).json['usages'] == {
        'VCPU': 0}
    assert client.put('/allocations/' + UUID, json=body).status == 204


@pytest.fixture
def utf8mb3_client(tmp_path):
    """The application on a MySQL database created with the 3-byte utf8
    character set, as OpenStack installation guides create it."""
    import sqlalchemy as sa
    from placement.db import api as db_api
    from placement.db import migration
    from tests import conftest
    admin_url = sa.engine.make_url(conftest.ADMIN_URLS['mysql'])
    admin = sa.create_engine(admin_url, isolation_level='AUTOCOMMIT')
    name = 'ptest_mb3_%s' % UUID[:8]
    try:
        with admin.connect() as conn:
            conn.execute(sa.text('DROP DATABASE IF EXISTS %s' % name))
            conn.execute(sa.text('CREATE DATABASE %s CHARACTER SET utf8'
                                 % name))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        if 'mysql' in conftest.REQUIRED:
            pytest.fail('mysql unreachable: %s' % exc)
        pytest.skip('mysql unreachable: %s' % exc)
    url = admin_url.set(database=name).update_query_dict(
        {'charset': 'utf8'}).render_as_string(hide_password=False)
    conf = make_conf(url)
    db = db_api.Database(conf)
    migration.upgrade(db.engine)
    yield Client(deploy.build_app(conf, db))
    db.dispose()
    with admin.connect() as conn:
        conn.execute(sa.text('DROP DATABASE %s' % name))
    admin.dispose()


def test_text_a_utf8mb3_database_cannot_hold_is_400(utf8mb3_client):
    client = utf8mb3_client
    astral = '\U0001f4a9'
    resp = client.post(RP, json={'name': 'pile-' + astral})
    assert 'cannot store' in _error(resp, 400)
    assert _providers(client) == []
    encoded = '%F0%9F%92%A9'
    for path in ('/traits/CUSTOM_' + encoded, '/resource_classes/' + encoded,
                 '/traits?name=in:CUSTOM_' + encoded):
        resp = client.get(path)
        assert resp.status in (400, 404), (path, resp)
        _error(resp, resp.status)
    rp = client.post(RP, json={'name': 'plain'}).json
    resp = client.put(RP + '/%s/traits' % rp['uuid'], json={
        'traits': ['CUSTOM_A' + astral, 'CUSTOM_B' + astral],
        'resource_provider_generation': 0})
    assert 'cannot store' in _error(resp, 400)
    # The same database takes text of the BMP.
    resp = client.post(RP, json={'name': 'caf\u00e9-\u4e2d'})
    assert resp.status == 200 and resp.json['name'] == 'caf\u00e9-\u4e2d'


def test_long_spellings_of_an_aggregate_uuid_are_stored(client):
    """{...} and urn:uuid: are uuids to the API but longer than the
    column: stored canonical, on every database."""
    rp = client.post(RP, json={'name': 'aggs'}).json
    braced = '{%s}' % UUID
    urn = 'urn:uuid:' + UUID.replace('a2a7', 'b2a7')
    resp = client.put(RP + '/%s/aggregates' % rp['uuid'], json={
        'aggregates': [braced, urn], 'resource_provider_generation': 0})
    assert resp.status == 200, resp
    stored = client.get(RP + '/%s/aggregates' % rp['uuid']).json
    assert sorted(stored['aggregates']) == sorted(
        [UUID, UUID.replace('a2a7', 'b2a7')])
    assert len(client.get(RP + '?member_of=' + UUID).json[
        'resource_providers']) == 1
