"""GET /openapi.json: the contract describes every route of the router,
and what it says each handler validates is what the handler validates, at
every microversion (so the document cannot drift from the code)."""
import json
import uuid as uuid_lib

from openapi_spec_validator import validate as validate_openapi
import pytest
import webob

from placement import context as placement_context
from placement import deploy
from placement.db import api as db_api
from placement.db import migration
from placement.handlers import resource_provider as rp_handler
from placement.handlers import util
from placement import openapi
from placement import router
from tests import conftest
from tests.conftest import Client
from tests.conftest import make_conf

ROUTE_METHODS = sorted((path, method) for path, methods in
                       router.ROUTES.items() for method in methods)


@pytest.fixture(scope='module')
def spy_client(tmp_path_factory):
    """An application on its own SQLite database (what is checked here
    does not depend on the backend)."""
    database = conftest.TestDatabase('sqlite', tmp_path_factory)
    conf = make_conf(database.url)
    db = db_api.Database(conf)
    migration.upgrade(db.engine)
    yield Client(deploy.build_app(conf, db),
                 headers={'x-roles': 'admin,service'})
    db.dispose()


def _served(client, **kw):
    resp = client.get('/openapi.json', **kw)
    assert resp.status == 200, resp
    assert resp.headers['content-type'] == 'application/json'
    return resp.json


def test_served_without_a_token_and_valid_openapi_3_1(spy_client):
    doc = _served(spy_client, headers={'x-auth-token': None})
    validate_openapi(doc)
    assert doc['openapi'] == '3.1.0'
    assert doc['info']['version'] == '1.39'
    assert doc['servers'] == [{'url': '/'}]
    # The service serves exactly what the generator builds.
    expected = json.loads(json.dumps(openapi.document()))
    assert doc == expected


def test_mounted_under_a_prefix_the_server_url_says_so(spy_client):
    req = webob.Request.blank('/placement/openapi.json')
    req.environ['SCRIPT_NAME'] = '/placement'
    req.environ['PATH_INFO'] = '/openapi.json'
    resp = req.get_response(spy_client.app)
    assert resp.status_int == 200
    assert json.loads(resp.body)['servers'] == [{'url': '/placement'}]


def test_every_route_and_method_is_described(spy_client):
    doc = _served(spy_client)
    described = sorted((path, method.upper())
                       for path, methods in doc['paths'].items()
                       for method in methods)
    assert described == ROUTE_METHODS
    assert sorted(openapi.OPERATIONS) == ROUTE_METHODS
    for path, method in ROUTE_METHODS:
        operation = doc['paths'][path][method.lower()]
        assert operation['operationId'] == router.ROUTES[path][
            method].replace(':', '.')
        names = [p['name'] for p in operation['parameters']
                 if p.get('in') == 'path']
        assert ['{%s}' % name for name in names] == [
            part for part in path.split('/') if part.startswith('{')]
        assert operation['responses'], (path, method)


def test_public_paths_need_no_token_others_do(spy_client):
    doc = _served(spy_client)
    for path, method in ROUTE_METHODS:
        operation = doc['paths'][path][method.lower()]
        public = operation.get('security') == []
        assert public == (path in ('/', '/openapi.json')), path
        resp = spy_client.request(method, path.replace('{', '').replace(
            '}', ''), headers={'x-auth-token': None})
        assert (resp.status != 401) == public, (path, method, resp)


def _concrete(path, provider):
    return (path.replace('{uuid}', provider)
            .replace('{resource_class}', 'VCPU')
            .replace('{name}', 'CUSTOM_SPY')
            .replace('{consumer_uuid}', str(uuid_lib.uuid4())))


class _Spy:
    """Records the schemas util.validate is given and the policy checks
    made, and lets the request go on."""

    def __init__(self, monkeypatch):
        self.body = []
        self.query = []
        self.policy = []
        real_validate = util.validate
        real_can = placement_context.RequestContext.can

        def validate(data, schema, prefix='JSON does not validate: %s'):
            if prefix.startswith('Invalid query'):
                self.query.append(schema)
            elif schema is not rp_handler.ANY_JSON:
                self.body.append(schema)
            return real_validate(data, schema, prefix)

        def can(ctx, action, target=None):
            self.policy.append(action)
            return real_can(ctx, action, target)

        monkeypatch.setattr(util, 'validate', validate)
        monkeypatch.setattr(placement_context.RequestContext, 'can', can)

    def reset(self):
        self.body, self.query, self.policy = [], [], []


def _ids(schemas):
    return sorted(id(s) for s in schemas if s is not None)


@pytest.mark.parametrize('path, method', ROUTE_METHODS)
def test_handlers_validate_with_the_documented_schemas(
        spy_client, monkeypatch, path, method):
    """At every microversion, the schema objects the handler validates
    its body, query and path with are those the contract documents (the
    same objects, not equal copies), and the route exists exactly from
    the documented microversion."""
    provider = spy_client.post('/resource_providers',
                               json={'name': 'spy-%s' % uuid_lib.uuid4()})
    provider = provider.json['uuid']
    operation = openapi.OPERATIONS[(path, method)]
    first = openapi.min_version(path, method)
    spy = _Spy(monkeypatch)
    body = b'{}' if method in ('PUT', 'POST') else None
    for version in openapi.VERSIONS:
        spy.reset()
        resp = spy_client.request(
            method, _concrete(path, provider), body=body,
            content_type='application/json' if body else None,
            version='%d.%d' % version)
        where = (path, method, version, resp)
        if version < first:
            assert resp.status in (404, 405), where
            assert spy.body == spy.query == spy.policy == [], where
            continue
        # The handler ran: it asked the policy or validated something
        # (every handler but the public documents does).
        if path in openapi.PUBLIC_PATHS:
            assert resp.status == 200, where
        else:
            assert spy.policy or spy.query or spy.body, where
        assert _ids(spy.body) == _ids([operation.body(version),
                                       operation.path(version)]), where
        assert _ids(spy.query) == _ids([operation.query(version)]), where


def test_document_carries_the_schema_objects(spy_client):
    doc = openapi.build()
    for (path, method), operation in openapi.OPERATIONS.items():
        spec = doc['paths'][path][method.lower()]
        versions = openapi.versions_of(path, method)
        assert spec['x-openstack-microversion']['min'] == '%d.%d' % (
            versions[0])
        variants = spec.get('requestBody', {}).get(
            'x-openstack-microversions', [])
        expected = [schema for _first, _last, schema in
                    openapi.ranges(operation.body, versions)
                    if schema is not None]
        assert [v['schema'] for v in variants] == expected
        for variant, schema in zip(variants, expected):
            assert variant['schema'] is schema
        latest = operation.body(openapi.LATEST)
        if latest is not None:
            assert spec['requestBody']['content']['application/json'][
                'schema'] is latest
        query = operation.query(openapi.LATEST)
        if query is not None:
            params = {p['name']: p for p in spec['parameters']
                      if p.get('in') == 'query'}
            for name, schema in query.get('properties', {}).items():
                assert params[name]['schema'] is schema


def test_microversion_history_of_some_known_facts():
    doc = openapi.build()
    paths = doc['paths']
    assert paths['/reshaper']['post']['x-openstack-microversion'] == {
        'min': '1.30'}
    assert paths['/resource_providers/{uuid}/inventories']['delete'][
        'x-openstack-microversion'] == {'min': '1.5'}
    put = paths['/allocations/{consumer_uuid}']['put']['requestBody']
    assert [(v['min'], v.get('max')) for v in
            put['x-openstack-microversions']] == [
        ('1.0', '1.7'), ('1.8', '1.11'), ('1.12', '1.27'),
        ('1.28', '1.33'), ('1.34', '1.37'), ('1.38', None)]
    params = {p['name']: p for p in
              paths['/resource_providers']['get']['parameters']
              if p.get('in') == 'query'}
    assert params['in_tree']['x-openstack-microversion'] == {'min': '1.14'}
    assert 'x-openstack-microversion' not in params['name']
    candidates = {p['name']: p for p in
                  paths['/allocation_candidates']['get']['parameters']
                  if p.get('in') == 'query'}
    assert candidates['same_subtree']['x-openstack-microversion'] == {
        'min': '1.36'}
    assert 'x-openstack-suffix-pattern' in candidates['resources']
