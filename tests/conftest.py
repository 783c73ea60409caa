"""Shared fixtures: one fresh database per test module and backend, the
application over it, an HTTP client, and a context for the object layer.

Backends: SQLite always; PostgreSQL and MySQL/MariaDB when reachable at the
admin URLs below. PLACEMENT_TEST_REQUIRE_DBS=postgresql,mysql (set by
.ci/run) turns an unreachable backend into a failure instead of a skip.
"""
import json
import os
import uuid

from oslo_config import cfg
import pytest
import sqlalchemy as sa
import webob

from placement import conf as placement_conf
from placement import context as placement_context
from placement.db import api as db_api
from placement.db import migration
from placement.db import standard
from placement.db import tables
from placement import deploy
from placement import policy

ADMIN_URLS = {
    'postgresql': os.environ.get(
        'PLACEMENT_TEST_PG_ADMIN_URL',
        'postgresql+psycopg2://postgres@127.0.0.1:5432/postgres'),
    'mysql': os.environ.get(
        'PLACEMENT_TEST_MYSQL_ADMIN_URL',
        'mysql+pymysql://root@127.0.0.1:3306/?charset=utf8'),
}
REQUIRED = {name for name in os.environ.get(
    'PLACEMENT_TEST_REQUIRE_DBS', '').split(',') if name}
BACKENDS = ['sqlite', 'postgresql', 'mysql']


class TestDatabase:
    """A throwaway database on one backend."""

    def __init__(self, backend, tmp_path_factory):
        self.backend = backend
        self.name = 'ptest_%s' % uuid.uuid4().hex[:12]
        if backend == 'sqlite':
            path = tmp_path_factory.mktemp('db') / 'placement.db'
            self.url = 'sqlite:///%s' % path
            self.admin = None
            return
        admin_url = sa.engine.make_url(ADMIN_URLS[backend])
        self.admin = sa.create_engine(admin_url, isolation_level='AUTOCOMMIT')
        try:
            with self.admin.connect() as conn:
                conn.execute(sa.text('CREATE DATABASE %s' % self.name))
        except sa.exc.OperationalError as exc:
            self.admin.dispose()
            message = '%s unreachable: %s' % (backend, exc.orig)
            if backend in REQUIRED:
                pytest.fail(message)
            pytest.skip(message)
        self.url = admin_url.set(database=self.name).render_as_string(
            hide_password=False)

    def drop(self):
        if self.admin is None:
            return
        with self.admin.connect() as conn:
            conn.execute(sa.text('DROP DATABASE %s' % self.name))
        self.admin.dispose()


def make_conf(url, overrides=None):
    """A ConfigOpts for tests: no config files, no OS_* environment;
    ``overrides`` maps (group, option) to a value."""
    conf = cfg.ConfigOpts()
    saved = {k: os.environ.pop(k) for k in list(os.environ)
             if k.startswith('OS_')}
    try:
        placement_conf.load([], conf=conf, config_files=[])
    finally:
        os.environ.update(saved)
    conf.set_override('connection', url, group='placement_database')
    conf.set_override('auth_strategy', 'noauth2', group='api')
    for (group, name), value in (overrides or {}).items():
        conf.set_override(name, value, group=group)
    return conf


@pytest.fixture(scope='module', params=BACKENDS)
def database(request, tmp_path_factory):
    test_db = TestDatabase(request.param, tmp_path_factory)
    engine = sa.create_engine(test_db.url)
    migration.upgrade(engine)
    engine.dispose()
    yield test_db
    test_db.drop()


@pytest.fixture(scope='module')
def conf(database):
    return make_conf(database.url)


@pytest.fixture(scope='module')
def db(conf):
    database = db_api.Database(conf)
    yield database
    database.dispose()


# Rows that tests create; standard classes and traits stay.
_CLEAN_ORDER = ('allocations', 'consumers', 'consumer_types', 'projects',
                'users', 'inventories', 'resource_provider_traits',
                'resource_provider_aggregates', 'placement_aggregates')


@pytest.fixture(autouse=True)
def _clean_tables(request):
    yield
    if 'db' not in request.fixturenames:
        return
    db = request.getfixturevalue('db')
    with db.engine.begin() as conn:
        for name in _CLEAN_ORDER:
            conn.execute(tables.metadata.tables[name].delete())
        # Children before parents: clear the parent links first.
        conn.execute(tables.resource_providers.update().values(
            parent_provider_id=None, root_provider_id=None))
        conn.execute(tables.resource_providers.delete())
        conn.execute(tables.traits.delete().where(
            tables.traits.c.name.like('CUSTOM\\_%', escape='\\')))
        conn.execute(tables.resource_classes.delete().where(
            tables.resource_classes.c.id >= standard.CUSTOM_RC_ID_OFFSET))


@pytest.fixture(scope='module')
def app(conf, db):
    return deploy.build_app(conf, db)


@pytest.fixture
def ctx(conf, db):
    """An admin RequestContext for calling the object layer directly."""
    return placement_context.RequestContext(
        user_id='admin', project_id='admin', roles=['admin'], db=db,
        config=conf, enforcer=policy.make_enforcer(conf))


class Response:
    def __init__(self, webob_response):
        self.raw = webob_response
        self.status = webob_response.status_int
        self.headers = webob_response.headers
        self.body = webob_response.body

    @property
    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return '<Response %s %s>' % (self.status, self.body[:500])


class Client:
    """Calls the WSGI application in-process, like an HTTP client would.

    Defaults: admin token, JSON accept, latest microversion. ``version``
    and ``headers`` change them per call; ``json`` sends a JSON body.
    """

    def __init__(self, app, version='latest', headers=None):
        self.app = app
        self.version = version
        self.headers = {'x-auth-token': 'admin',
                        'accept': 'application/json'}
        self.headers.update(headers or {})

    def request(self, method, path, json_body=None, version=None,
                headers=None, body=None, content_type=None):
        all_headers = dict(self.headers)
        all_headers['openstack-api-version'] = 'placement %s' % (
            version or self.version)
        all_headers.update(headers or {})
        # None: leave the header out (e.g. no token at all).
        all_headers = {k: v for k, v in all_headers.items() if v is not None}
        req = webob.Request.blank(path, method=method,
                                  headers=all_headers)
        if json_body is not None:
            req.body = json.dumps(json_body).encode('utf-8')
            req.content_type = 'application/json'
        elif body is not None:
            req.body = body
            if content_type:
                req.content_type = content_type
        return Response(req.get_response(self.app))

    def get(self, path, **kw):
        return self.request('GET', path, **kw)

    def post(self, path, json=None, **kw):
        return self.request('POST', path, json_body=json, **kw)

    def put(self, path, json=None, **kw):
        return self.request('PUT', path, json_body=json, **kw)

    def delete(self, path, **kw):
        return self.request('DELETE', path, **kw)


@pytest.fixture
def client(app):
    return Client(app)
