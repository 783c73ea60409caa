"""This service behind the test fixtures that client projects import from
upstream Placement.

osc-placement's and Nova's functional tests start Placement in-process
with ``placement.tests.functional.fixtures.placement.PlacementFixture``
(Nova subclasses it) and reach it through wsgi-intercept at
``http://<uuid>/placement``; some of Nova's tests also set up the database
alone with ``placement.tests.fixtures.Database``. This module is loaded as
a pytest plugin (``-p tests.clients.placement_fixture``) and registers
fixtures of those names and interfaces that serve *this* service instead,
each test on a fresh SQLite database, so that the clients' own tests run
unchanged against it. Test-only: the service never imports it.
"""
import os
import shutil
import sys
import tempfile
import types
import uuid

import fixtures
from oslo_config import cfg
from oslo_config import fixture as config_fixture
from oslo_policy import opts as policy_opts
import sqlalchemy as sa
from wsgi_intercept import interceptor

from placement import conf as placement_conf
from placement.db import migration
from placement import deploy

# One migrated database, copied for every test: a migration per test
# would cost more than most of the tests. Made when the plugin loads,
# outside the temporary directories the clients' test cases remove.
_TEMPLATE_DIR = tempfile.mkdtemp(prefix='placement-client-template-')


def _template_db():
    path = os.path.join(_TEMPLATE_DIR, 'placement.db')
    if not os.path.exists(path):
        engine = sa.create_engine('sqlite:///%s' % path)
        migration.upgrade(engine)
        engine.dispose()
    return path


def _sqlite_file(url):
    """The file of a file-backed SQLite URL, else None."""
    if not url:
        return None
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != 'sqlite':
        return None
    return parsed.database or None


class Database(fixtures.Fixture):
    """A migrated, empty database for the configuration of
    ``conf_fixture``: the SQLite file it names (Nova names one), or a new
    one, which ``set_config`` writes into the configuration."""

    def __init__(self, conf_fixture, set_config=False):
        super().__init__()
        self.conf_fixture = conf_fixture
        self.set_config = set_config

    def setUp(self):
        super().setUp()
        conf = self.conf_fixture.conf
        url = conf.placement_database.connection
        path = _sqlite_file(url)
        if url and path is None and not url.startswith('sqlite'):
            raise ValueError('the client fixtures serve SQLite only: %s'
                             % url)
        if path is None:
            directory = tempfile.mkdtemp(prefix='placement-client-')
            self.addCleanup(shutil.rmtree, directory, True)
            path = os.path.join(directory, 'placement.db')
            url = 'sqlite:///%s' % path
        if not os.path.exists(path) or not os.path.getsize(path):
            shutil.copyfile(_template_db(), path)
        else:
            engine = sa.create_engine(url)
            migration.upgrade(engine)
            engine.dispose()
        if self.set_config:
            self.conf_fixture.config(connection=url,
                                     group='placement_database')


class PlacementFixture(fixtures.Fixture):
    """Serves this service at ``self.endpoint`` with noauth2 and legacy
    policy defaults; requests carry ``self.token`` (admin by default).
    Takes the arguments of upstream's fixture, and calls
    ``_configure_placement(conf_fixture)`` (a hook for subclasses) once
    the options are registered."""

    def __init__(self, token='admin', conf_fixture=None, db=True,
                 use_intercept=True, register_opts=True):
        super().__init__()
        self.token = token
        self.conf_fixture = conf_fixture
        self.db = db
        self.use_intercept = use_intercept
        self.register_opts = register_opts

    def _configure_placement(self, conf_fixture):
        """Subclasses change options here."""

    def setUp(self):
        super().setUp()
        if self.conf_fixture is None:
            self.conf_fixture = self.useFixture(
                config_fixture.Config(cfg.ConfigOpts()))
        conf = self.conf_fixture.conf
        if self.register_opts:
            placement_conf.register_opts(conf)
        self._configure_placement(self.conf_fixture)
        if self.db:
            self.useFixture(Database(self.conf_fixture, set_config=True))
        policy_opts.set_defaults(conf, enforce_new_defaults=False)
        self.conf_fixture.config(group='api', auth_strategy='noauth2')
        conf([], default_config_files=[])
        self.app = deploy.loadapp(conf)
        if self.use_intercept:
            self.endpoint = 'http://%s/placement' % uuid.uuid4()
            intercept = interceptor.RequestsInterceptor(
                lambda: self.app, url=self.endpoint)
            intercept.install_intercept()
            self.addCleanup(intercept.uninstall_intercept)


class Logging(fixtures.Fixture):
    """Stands in for upstream's log-capturing fixture: the service logs
    through the standard logging module, which pytest captures."""


def _module(name, **attributes):
    module = sys.modules.get(name) or types.ModuleType(name)
    module.__dict__.setdefault('__path__', [])
    module.__dict__.update(attributes)
    sys.modules[name] = module
    parent, _, short = name.rpartition('.')
    if parent in sys.modules:
        setattr(sys.modules[parent], short, module)
    return module


def _install():
    """Register the modules the clients import, under the ``placement``
    package of this service."""
    _module('placement.tests', fixtures=None)
    _module('placement.tests.fixtures', Database=Database)
    _module('placement.tests.functional')
    _module('placement.tests.functional.fixtures')
    _module('placement.tests.functional.fixtures.placement',
            PlacementFixture=PlacementFixture)
    _module('placement.tests.functional.fixtures.capture', Logging=Logging)
    sys.modules['placement.tests'].fixtures = sys.modules[
        'placement.tests.fixtures']


_install()
_template_db()
