"""Taking over databases at upstream's older released revisions, and the
databases the takeover refuses.

Each older schema is built by upstream's own migrations, run only up to
that revision through upstream's alembic command in the oracle venv, and
filled with SQL as the releases of that time wrote it (upstream's API of
16.0.0 does not run on an older schema): providers without root ids and
allocations without consumer records where that revision still allowed
them. After ``placement-manage db sync`` this service reads everything
back, the schema is exactly the one this service creates, and upstream
16.0.0's db sync has nothing to do (on the oldest revision upstream also
starts on the result and reads it).
"""
import glob
import json
import os
import uuid

import pytest
import sqlalchemy as sa

from placement.db import api as db_api
from placement.db import migration
from placement.db import takeover
from placement import deploy
from tests import conftest
from tests import oracle
from tests.ops import process
from tests.takeover import schema
from tests.takeover import services

PLACEHOLDER = '00000000-0000-0000-0000-000000000000'
OLDER = takeover.UPSTREAM_REVISIONS[:-1]


@pytest.fixture(scope='module', params=['postgresql', 'mysql'])
def backend(request):
    return request.param


@pytest.fixture(scope='module')
def our_schema(backend, tmp_path_factory):
    """The schema of a database this service created."""
    db = conftest.TestDatabase(backend, tmp_path_factory)
    try:
        result = services.ours_manage(db.url, 'db', 'sync')
        assert result.returncode == 0, result
        return schema.describe(db.url)
    finally:
        db.drop()


@pytest.fixture
def database(backend, tmp_path_factory):
    db = conftest.TestDatabase(backend, tmp_path_factory)
    yield db
    db.drop()


def upstream_alembic(url, log_dir, *args):
    ini = glob.glob(os.path.join(
        oracle.oracle_venv(), 'lib', 'python*', 'site-packages', 'placement',
        'db', 'sqlalchemy', 'alembic.ini'))[0]
    return services.run(
        ['env', '-C', oracle.oracle_venv(), oracle.oracle_bin('alembic'),
         '-c', ini] + list(args), services.upstream_env(url, log_dir))


class OldData:
    """What a release at ``revision`` could have stored."""

    def __init__(self, revision):
        self.revision = revision
        self.position = takeover.UPSTREAM_REVISIONS.index(revision)
        self.root, self.child = str(uuid.uuid4()), str(uuid.uuid4())
        self.aggregate = str(uuid.uuid4())
        self.recorded, self.unrecorded = str(uuid.uuid4()), str(uuid.uuid4())
        # Root ids are required from 611cd6dffd7b on, consumer records
        # from b5c396305c25 on, types exist from 422ece571366 on.
        self.roots_missing = self.position < 1
        self.records_missing = self.position < 2
        self.typed = self.position >= 3

    def write(self, url):
        engine = sa.create_engine(url)
        try:
            with engine.begin() as conn:
                def insert(table, **values):
                    columns = ', '.join(values)
                    marks = ', '.join(':' + k for k in values)
                    conn.execute(sa.text('INSERT INTO %s (%s, created_at) '
                                         'VALUES (%s, CURRENT_TIMESTAMP)'
                                         % (table, columns, marks)), values)

                def id_of(table, column, value):
                    return conn.execute(sa.text(
                        'SELECT id FROM %s WHERE %s = :v' % (table, column)),
                        {'v': value}).scalar_one()
                # Standard classes 1 and 2 (VCPU, 0, is left for db sync
                # to add: id 0 in an AUTO_INCREMENT column on MySQL).
                insert('resource_classes', id=1, name='MEMORY_MB')
                insert('resource_classes', id=2, name='DISK_GB')
                insert('resource_classes', id=10000, name='CUSTOM_OLD')
                insert('resource_providers', uuid=self.root, name='old-root',
                       generation=3)
                root_id = id_of('resource_providers', 'uuid', self.root)
                insert('resource_providers', uuid=self.child,
                       name='old-child', generation=1,
                       parent_provider_id=root_id)
                child_id = id_of('resource_providers', 'uuid', self.child)
                if not self.roots_missing:
                    conn.execute(sa.text(
                        'UPDATE resource_providers SET root_provider_id = :r'
                        ), {'r': root_id})
                for rp, rc, total in ((root_id, 1, 4096), (child_id, 10000,
                                                           4)):
                    insert('inventories', resource_provider_id=rp,
                           resource_class_id=rc, total=total, reserved=0,
                           min_unit=1, max_unit=total, step_size=1,
                           allocation_ratio=1.0)
                insert('traits', name='CUSTOM_OLD_TRAIT')
                insert('resource_provider_traits', resource_provider_id=root_id,
                       trait_id=id_of('traits', 'name', 'CUSTOM_OLD_TRAIT'))
                insert('placement_aggregates', uuid=self.aggregate)
                insert('resource_provider_aggregates',
                       resource_provider_id=root_id,
                       aggregate_id=id_of('placement_aggregates', 'uuid',
                                          self.aggregate))
                insert('projects', external_id='old-project')
                insert('users', external_id='old-user')
                values = dict(
                    uuid=self.recorded, generation=2,
                    project_id=id_of('projects', 'external_id',
                                     'old-project'),
                    user_id=id_of('users', 'external_id', 'old-user'))
                if self.typed:
                    insert('consumer_types', name='INSTANCE')
                    values['consumer_type_id'] = id_of(
                        'consumer_types', 'name', 'INSTANCE')
                insert('consumers', **values)
                insert('allocations', resource_provider_id=root_id,
                       consumer_id=self.recorded, resource_class_id=1,
                       used=1024)
                insert('allocations', resource_provider_id=child_id,
                       consumer_id=self.recorded, resource_class_id=10000,
                       used=1)
                if self.records_missing:
                    insert('allocations', resource_provider_id=root_id,
                           consumer_id=self.unrecorded, resource_class_id=1,
                           used=512)
        finally:
            engine.dispose()

    def check(self, get):
        """Read it all back through an API (``get(path)`` -> JSON)."""
        root = get('/resource_providers/%s' % self.root)
        child = get('/resource_providers/%s' % self.child)
        assert (root['root_provider_uuid'], child['root_provider_uuid'],
                child['parent_provider_uuid']) == (self.root, self.root,
                                                   self.root)
        assert root['generation'] == 3
        assert get('/resource_providers/%s/inventories' % self.root)[
            'inventories']['MEMORY_MB']['total'] == 4096
        assert list(get('/resource_providers/%s/inventories' % self.child)[
            'inventories']) == ['CUSTOM_OLD']
        assert get('/resource_providers/%s/traits' % self.root)[
            'traits'] == ['CUSTOM_OLD_TRAIT']
        assert get('/resource_providers/%s/aggregates' % self.root)[
            'aggregates'] == [self.aggregate]
        recorded = get('/allocations/%s' % self.recorded)
        assert recorded['consumer_generation'] == 2
        assert (recorded['project_id'], recorded['user_id']) == (
            'old-project', 'old-user')
        assert recorded['consumer_type'] == (
            'INSTANCE' if self.typed else 'unknown')
        assert {rp: a['resources'] for rp, a in
                recorded['allocations'].items()} == {
            self.root: {'MEMORY_MB': 1024}, self.child: {'CUSTOM_OLD': 1}}
        usage = get('/resource_providers/%s/usages' % self.root)['usages']
        if self.records_missing:
            unrecorded = get('/allocations/%s' % self.unrecorded)
            assert (unrecorded['project_id'], unrecorded['user_id']) == (
                PLACEHOLDER, PLACEHOLDER)
            assert unrecorded['allocations'][self.root]['resources'] == {
                'MEMORY_MB': 512}
            assert usage == {'MEMORY_MB': 1536}
        else:
            assert usage == {'MEMORY_MB': 1024}
        assert 'VCPU' in [c['name'] for c in
                          get('/resource_classes')['resource_classes']]


def _our_api(url):
    conf = conftest.make_conf(url)
    db = db_api.Database(conf)
    client = conftest.Client(deploy.build_app(conf, db))

    def get(path):
        response = client.get(path)
        assert response.status == 200, (path, response)
        return response.json
    return db, get


@pytest.mark.parametrize('revision', OLDER)
def test_take_over_an_older_revision(backend, database, revision,
                                     our_schema, tmp_path):
    url, logs = database.url, str(tmp_path)
    result = upstream_alembic(url, logs, 'upgrade', revision)
    assert result.returncode == 0, result
    data = OldData(revision)
    data.write(url)

    result = services.ours_manage(url, 'db', 'sync')
    assert result.returncode == 0, result
    assert services.ours_manage(url, 'db', 'version').stdout == (
        migration.head_version() + '\n')
    db, get = _our_api(url)
    try:
        data.check(get)
    finally:
        db.dispose()
    taken = schema.describe(url)
    ours = dict(our_schema)
    taken.pop('resource_classes')
    ours.pop('resource_classes')
    assert schema.differences(ours, taken) == []

    # The way back: upstream 16.0.0's db sync finds its head revision and
    # changes nothing.
    before = schema.describe(url, skip=())
    result = services.upstream_manage(url, logs, 'db', 'sync')
    assert result.returncode == 0, result
    assert schema.describe(url, skip=()) == before
    assert services.versions(url) == (migration.head_version(),
                                      takeover.UPSTREAM_HEAD)
    if revision == OLDER[0]:
        upstream = services.start_upstream(url, logs)
        try:
            data.check(services.Api(upstream).get)
        finally:
            upstream.stop()


def _first_check(url):
    """Exit status and details of placement-status' schema check."""
    status = services.run(
        [os.path.join(os.path.dirname(services.MANAGE), 'placement-status'),
         'upgrade', '--json', 'check'], services.ours_env(url))
    first = json.loads(status.stdout)['checks'][0]
    assert first['check'] == 'Database Schema'
    return status.returncode, first['details']


def test_what_the_takeover_refuses(backend, database, tmp_path):
    """Rows that the added foreign keys would reject, and a revision of a
    newer upstream release: db sync exits 1 saying why, changes nothing,
    and the upgrade check fails the same way."""
    url, logs = database.url, str(tmp_path)
    result = services.upstream_manage(url, logs, 'db', 'sync')
    assert result.returncode == 0, result
    assert _first_check(url) == (2, 'Upstream Placement database at '
                                 'revision %s, not taken over yet. Run '
                                 "'placement-manage db sync'."
                                 % takeover.UPSTREAM_HEAD)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(
                'INSERT INTO inventories (resource_provider_id, '
                'resource_class_id, total, reserved, min_unit, max_unit, '
                'step_size, allocation_ratio) VALUES (424242, 0, 1, 0, 1, 1, '
                '1, 1.0)'))
        before = schema.describe(url, skip=())
        result = services.ours_manage(url, 'db', 'sync')
        assert result.returncode == 1, result
        assert ('1 rows of inventories refer to a resource_providers.id '
                'that does not exist') in result.stderr
        assert schema.describe(url, skip=()) == before
        code, details = _first_check(url)
        assert code == 2
        assert 'db sync cannot take over' in details
        # sync_on_startup: the API does not come up on such a database, and
        # its log says why.
        server = process.Server(
            [os.path.join(process.BIN, 'placement-api'), '--host',
             '127.0.0.1', '--port', '{port}', '--workers', '1'],
            services.ours_env(url, PLACEMENT_DATABASE__SYNC_ON_STARTUP=True),
            logs).start()
        try:
            with pytest.raises(process.ServerDied):
                server.wait_ready(timeout=60)
        finally:
            server.stop()
        assert 'cannot take over this upstream Placement database' in \
            server.log()
        assert schema.describe(url, skip=()) == before

        with engine.begin() as conn:
            conn.execute(sa.text('DELETE FROM inventories'))
            conn.execute(sa.text(
                "UPDATE alembic_version SET version_num = 'ffffffffffff'"))
        result = services.ours_manage(url, 'db', 'sync')
        assert result.returncode == 1, result
        assert 'newer upstream release' in result.stderr
        with engine.connect() as conn:
            assert migration.current_version(conn) is None
    finally:
        engine.dispose()
