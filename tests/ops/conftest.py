"""Fixtures of the operational tests: empty databases on every backend,
service processes, an in-process application on SQLite with chosen
options."""
import os

from keystonemiddleware import opts as ks_opts
from oslo_middleware import cors
from oslo_policy import opts as policy_opts
import pytest
import sqlalchemy as sa

from placement.db import api as db_api
from placement.db import migration
from placement import deploy
from tests.conftest import BACKENDS
from tests.conftest import Client
from tests.conftest import make_conf
from tests.conftest import TestDatabase
from tests.ops import process


@pytest.fixture(params=BACKENDS)
def empty_database(request, tmp_path_factory):
    """A database without any table, on each backend in turn."""
    database = TestDatabase(request.param, tmp_path_factory)
    yield database
    database.drop()


@pytest.fixture
def servers(tmp_path):
    """``servers(argv, **settings)`` starts a service process with
    OS_<settings> in its environment; all are stopped afterwards."""
    started = []

    def start(argv, **settings):
        server = process.Server(argv, process.clean_environ(**settings),
                                str(tmp_path))
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def make_app(tmp_path):
    """``make_app(**options)`` builds the WSGI application over a fresh
    SQLite database; options are ``group__name=value``."""
    url = 'sqlite:///%s' % (tmp_path / 'placement.db')
    databases = []

    def build(**options):
        conf = make_conf(url)
        # Library options are registered when the app is built; register
        # them now so that they can be overridden.
        for group, opts in ks_opts.list_auth_token_opts():
            conf.register_opts(opts, group=group)
        policy_opts.set_defaults(conf)
        conf.register_opts(cors.CORS_OPTS, group='cors')
        for key, value in options.items():
            group, name = key.split('__')
            conf.set_override(name, value, group=group)
        db = db_api.Database(conf)
        databases.append(db)
        migration.upgrade(db.engine)
        return deploy.build_app(conf, db)

    yield build
    for db in databases:
        db.dispose()


@pytest.fixture
def make_client(make_app):
    def build(headers=None, **options):
        return Client(make_app(**options), headers=headers)
    return build


def table_names(url):
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def placement_bin(name):
    return os.path.join(process.BIN, name)
