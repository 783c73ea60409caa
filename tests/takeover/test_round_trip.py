"""Swap this service in under upstream Placement 16.0.0 and back again, on
PostgreSQL and MySQL/MariaDB, with upstream really running (the oracle
venv of tests/oracle.py) on the database before and after.

Upstream creates the database and writes a data set through its API; this
service takes the database over (through ``placement-manage db sync``,
or through ``sync_on_startup`` alone), answers every read the same, writes
more; upstream's own ``db sync`` then has nothing to do,
upstream starts on the result, reads what this service wrote and writes
on it, including deletes that the added foreign keys see.
"""
import uuid

import pytest

from placement.db import migration
from placement.db import takeover
from tests import conftest
from tests.takeover import schema
from tests.takeover import services


@pytest.fixture(params=['postgresql', 'mysql'])
def database(request, tmp_path_factory):
    db = conftest.TestDatabase(request.param, tmp_path_factory)
    yield db
    db.drop()


@pytest.mark.parametrize('how', ['db sync', 'sync_on_startup'])
def test_take_over_and_hand_back(database, how, tmp_path):
    url, logs = database.url, str(tmp_path)
    upstream = services.start_upstream(url, logs)
    try:
        consumers = services.fill(services.Api(upstream), 'UP')
        written_by_upstream = services.read_all(services.Api(upstream),
                                                consumers)
    finally:
        upstream.stop()
    assert services.versions(url) == (None, takeover.UPSTREAM_HEAD)

    # Take over.
    if how == 'db sync':
        result = services.ours_manage(url, 'db', 'sync')
        assert result.returncode == 0, result
    ours = services.start_ours(url, logs, sync_on_startup=(
        how == 'sync_on_startup'))
    try:
        api = services.Api(ours)
        _assert_same(services.read_all(api, consumers), written_by_upstream)
        assert services.versions(url) == (migration.head_version(),
                                          takeover.UPSTREAM_HEAD)
        consumers += services.fill(api, 'OURS')
        # A delete and a type change through this service.
        api.call('DELETE', '/allocations/%s' % consumers[1])
        allocs = api.get('/allocations/%s' % consumers[0])
        api.call('PUT', '/allocations/%s' % consumers[0], {
            'allocations': allocs['allocations'],
            'project_id': allocs['project_id'],
            'user_id': allocs['user_id'],
            'consumer_generation': allocs['consumer_generation'],
            'consumer_type': 'MIGRATION'})
        written_by_ours = services.read_all(api, consumers)
    finally:
        ours.stop()
    result = services.ours_manage(url, 'db', 'version')
    assert result.stdout == migration.head_version() + '\n', result

    # Hand back: upstream's db sync has nothing to do, upstream reads and
    # writes.
    result = services.upstream_manage(url, logs, 'db', 'sync')
    assert result.returncode == 0, result
    result = services.upstream_manage(url, logs, 'db', 'version')
    assert result.stdout.strip() == takeover.UPSTREAM_HEAD, result
    upstream = services.start_upstream(url, logs)
    try:
        api = services.Api(upstream)
        _assert_same(services.read_all(api, consumers), written_by_ours)
        consumers += services.fill(api, 'BACK')
        # Deletes touch every table with a foreign key this schema adds.
        for consumer in consumers:
            api.call('DELETE', '/allocations/%s' % consumer,
                     expect=None if consumer != consumers[1] else 404)
        _delete_all_providers(api)
        assert api.get('/resource_providers') == {'resource_providers': []}
        api.call('POST', '/resource_providers', {'name': 'after',
                                                 'uuid': str(uuid.uuid4())})
    finally:
        upstream.stop()


def _assert_same(read, written):
    differing = sorted(k for k in set(read) | set(written)
                       if read.get(k) != written.get(k))
    assert not differing, '\n'.join(
        '%s:\n  read    %s\n  written %s' % (k, read.get(k), written.get(k))
        for k in differing)


def _delete_all_providers(api):
    """Leaves first: a provider with children cannot be deleted."""
    providers = api.get('/resource_providers')['resource_providers']
    parents = {rp['parent_provider_uuid'] for rp in providers}
    while providers:
        for rp in [rp for rp in providers if rp['uuid'] not in parents]:
            api.call('DELETE', '/resource_providers/%s' % rp['uuid'])
        providers = api.get('/resource_providers')['resource_providers']
        parents = {rp['parent_provider_uuid'] for rp in providers}


def _upstream_plus_additions(upstream, backend):
    """Upstream's schema with what doc/operations.rst says this service
    adds: six foreign keys, two indexes one column wider, and
    resource_classes ids that this service assigns itself (no sequence or
    AUTO_INCREMENT)."""
    expected = {table: dict(parts) for table, parts in upstream.items()}
    for table, column, referred in takeover._ADDED_FOREIGN_KEYS:
        expected[table]['foreign_keys'] = sorted(
            expected[table]['foreign_keys'] + [((column,), referred,
                                                 ('id',))])
    for table, index, columns in takeover._WIDER_INDEXES:
        expected[table]['indexes'] = sorted(
            (name, columns if name == index else cols, unique)
            for name, cols, unique in expected[table]['indexes'])
    if backend == 'mysql':
        # The only added key that no index serves.
        expected['consumers']['indexes'] = sorted(
            expected['consumers']['indexes'] +
            [('<foreign key>', ('user_id',), False)])
    expected['resource_classes']['columns'] = [
        column if column[0] != 'id' else ('id', 'INTEGER', False, None,
                                          False)
        for column in expected['resource_classes']['columns']]
    return expected


def test_schemas_compared(database, tmp_path):
    """Upstream's schema, this service's, and an upstream database after
    the takeover, table by table: this service's is upstream's plus the
    documented additions, and the takeover gives exactly that (keeping
    upstream's id generator on resource_classes, which nothing uses)."""
    logs = str(tmp_path)
    ours_db = conftest.TestDatabase(database.backend, None)
    taken_db = conftest.TestDatabase(database.backend, None)
    try:
        for url in (database.url, taken_db.url):
            result = services.upstream_manage(url, logs, 'db', 'sync')
            assert result.returncode == 0, result
        for url in (ours_db.url, taken_db.url):
            result = services.ours_manage(url, 'db', 'sync')
            assert result.returncode == 0, result
        upstream = schema.describe(database.url)
        ours = schema.describe(ours_db.url)
        taken = schema.describe(taken_db.url)
        assert services.versions(taken_db.url) == services.versions(ours_db.url) == (
            migration.head_version(), takeover.UPSTREAM_HEAD)
    finally:
        ours_db.drop()
        taken_db.drop()

    expected = _upstream_plus_additions(upstream, database.backend)
    assert schema.differences(expected, ours) == []
    taken_classes = taken.pop('resource_classes')
    assert taken_classes == upstream['resource_classes']
    ours.pop('resource_classes')
    assert schema.differences(ours, taken) == []
