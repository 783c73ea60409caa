"""This service behind the test fixture that client projects import from
upstream Placement.

osc-placement's (and Nova's) functional tests start Placement in-process
with ``placement.tests.functional.fixtures.placement.PlacementFixture``
and reach it through wsgi-intercept at ``http://<uuid>/placement``. This
module is loaded as a pytest plugin (``-p tests.clients.placement_fixture``)
and registers a fixture of that name and interface that serves *this*
service instead, each test on a fresh SQLite database, so that the
clients' own tests run unchanged against it. Test-only: the service never
imports it.
"""
import os
import shutil
import sys
import tempfile
import types
import uuid

import fixtures
import sqlalchemy as sa
from wsgi_intercept import interceptor

from placement.db import api as db_api
from placement.db import migration
from placement import deploy
from tests.conftest import make_conf

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


class PlacementFixture(fixtures.Fixture):
    """Serves this service at ``self.endpoint`` with noauth2; requests
    carry ``self.token`` (admin by default). Takes the keyword arguments
    of upstream's fixture; ``conf_fixture`` and ``register_opts`` concern
    upstream's own configuration object and are not used."""

    def __init__(self, token='admin', conf_fixture=None, db=True,
                 use_intercept=True, register_opts=True):
        super().__init__()
        self.token = token
        self.use_intercept = use_intercept

    def setUp(self):
        super().setUp()
        directory = tempfile.mkdtemp(prefix='placement-client-')
        self.addCleanup(shutil.rmtree, directory, True)
        path = os.path.join(directory, 'placement.db')
        shutil.copyfile(_template_db(), path)
        conf = make_conf('sqlite:///%s' % path)
        database = db_api.Database(conf)
        self.addCleanup(database.dispose)
        self.app = deploy.build_app(conf, database)
        if self.use_intercept:
            self.endpoint = 'http://%s/placement' % uuid.uuid4()
            intercept = interceptor.RequestsInterceptor(
                lambda: self.app, url=self.endpoint)
            intercept.install_intercept()
            self.addCleanup(intercept.uninstall_intercept)


class Logging(fixtures.Fixture):
    """Stands in for upstream's log-capturing fixture: the service logs
    through the standard logging module, which pytest captures."""


def _install():
    """Register the modules the clients import."""
    names = ['placement.tests', 'placement.tests.functional',
             'placement.tests.functional.fixtures']
    for name in names:
        module = sys.modules.setdefault(name, types.ModuleType(name))
        module.__path__ = []
    fixture_module = types.ModuleType(
        'placement.tests.functional.fixtures.placement')
    fixture_module.PlacementFixture = PlacementFixture
    capture_module = types.ModuleType(
        'placement.tests.functional.fixtures.capture')
    capture_module.Logging = Logging
    package = sys.modules['placement.tests.functional.fixtures']
    for short, module in (('placement', fixture_module),
                          ('capture', capture_module)):
        sys.modules[module.__name__] = module
        setattr(package, short, module)


_install()
_template_db()
