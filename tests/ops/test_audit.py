"""placement-manage audit on every backend, over states built directly in
the database (most of them the API refuses to create)."""
import contextlib
import json

import sqlalchemy as sa

from placement.db import api as db_api
from placement.db import migration
from placement.db import tables
from tests.conftest import make_conf
from tests import data
from tests.ops.test_manage import manage

_rp = tables.resource_providers


@contextlib.contextmanager
def _without_foreign_keys(url):
    """A transaction in which rows may point at rows that do not exist."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            if engine.dialect.name == 'postgresql':
                conn.execute(sa.text(
                    "SET LOCAL session_replication_role = 'replica'"))
            elif engine.dialect.name == 'mysql':
                conn.execute(sa.text('SET FOREIGN_KEY_CHECKS = 0'))
            yield conn
            if engine.dialect.name == 'mysql':
                conn.execute(sa.text('SET FOREIGN_KEY_CHECKS = 1'))
    finally:
        engine.dispose()


def _audit(url, *args):
    result = manage('audit', *args, PLACEMENT_DATABASE__CONNECTION=url)
    assert 'Traceback' not in result.stderr, result.stderr
    return result


def _set_tree(conn, rp, parent_id, root_id):
    conn.execute(_rp.update().where(_rp.c.id == rp.id).values(
        parent_provider_id=parent_id, root_provider_id=root_id))


def test_audit_reports_and_fixes(empty_database):
    url = empty_database.url
    engine = sa.create_engine(url)
    migration.upgrade(engine)
    engine.dispose()

    result = _audit(url)
    assert (result.returncode, result.stdout) == (
        0, 'No inconsistencies found.\n'), result

    db = db_api.Database(make_conf(url))
    try:
        # A healthy tree, with usage within capacity: never reported.
        root = data.create_provider(db, 'root')
        child = data.create_provider(db, 'child', parent=root)
        data.add_inventory(db, root, 'VCPU', 8)
        data.allocate(db, data.new_uuid(), {root: {'VCPU': 8}})
        data.set_aggregates(db, child, data.new_uuid())
        data.set_traits(db, child, 'CUSTOM_USED', 'HW_CPU_X86_AVX')

        # Inventory shrunk below its allocations.
        shrunk = data.create_provider(db, 'shrunk')
        data.add_inventory(db, shrunk, 'MEMORY_MB', 1024, reserved=512)
        data.allocate(db, data.new_uuid(), {shrunk: {'MEMORY_MB': 768}})
        # Allocated from a class without inventory.
        data.allocate(db, data.new_uuid(), {shrunk: {'DISK_GB': 10}})
        # A consumer with nothing allocated.
        empty = data.new_uuid()
        data.allocate(db, empty, {})
        # Leftovers nothing uses.
        unused_agg = data.new_uuid()
        with db.engine.begin() as conn:
            conn.execute(tables.placement_aggregates.insert().values(
                uuid=unused_agg))
        data.ensure_trait(db, 'CUSTOM_UNUSED')
        data.ensure_resource_class(db, 'CUSTOM_UNUSED_CLASS')

        broken = {name: data.create_provider(db, name) for name in (
            'no-root', 'missing-root', 'missing-parent', 'not-own-root',
            'parent-mismatch', 'root-not-root', 'loop-a', 'loop-b')}
        other_root = data.create_provider(db, 'other-root')
    finally:
        db.dispose()
    with _without_foreign_keys(url) as conn:
        _set_tree(conn, broken['no-root'], None, None)
        _set_tree(conn, broken['missing-root'], None, 999999)
        _set_tree(conn, broken['missing-parent'], 999998, root.id)
        _set_tree(conn, broken['not-own-root'], None, other_root.id)
        _set_tree(conn, broken['parent-mismatch'], root.id, other_root.id)
        _set_tree(conn, broken['root-not-root'], child.id, child.id)
        # Both claim the healthy root, so only the loop gives them away.
        _set_tree(conn, broken['loop-a'], broken['loop-b'].id, root.id)
        _set_tree(conn, broken['loop-b'], broken['loop-a'].id, root.id)

    result = _audit(url, '--json')
    assert result.returncode == 1, result
    report = json.loads(result.stdout)
    findings = report['findings']
    assert findings['usage_above_capacity'] == [{
        'resource_provider': shrunk.uuid, 'resource_class': 'MEMORY_MB',
        'used': 768, 'capacity': 512, 'over_by': 256}]
    assert findings['allocation_without_inventory'] == [{
        'resource_provider': shrunk.uuid, 'resource_class': 'DISK_GB',
        'used': 10, 'consumers': 1}]
    assert findings['consumer_without_allocations'] == [
        {'consumer': empty, 'generation': 0}]
    assert findings['unused_aggregate'] == [{'aggregate': unused_agg}]
    assert findings['unused_trait'] == [{'trait': 'CUSTOM_UNUSED'}]
    assert findings['unused_resource_class'] == [
        {'resource_class': 'CUSTOM_UNUSED_CLASS'}]
    problems = {f['resource_provider']: f['problem']
                for f in findings['broken_tree']}
    assert problems == {
        broken['no-root'].uuid: 'no root provider',
        broken['missing-root'].uuid: 'root provider 999999 does not exist',
        broken['missing-parent'].uuid:
            'parent provider 999998 does not exist',
        broken['not-own-root'].uuid: 'has no parent but is not its own root',
        broken['parent-mismatch'].uuid: "its root differs from its parent's",
        broken['root-not-root'].uuid: 'its root provider is not a root',
        broken['loop-a'].uuid: 'its parent chain loops',
        broken['loop-b'].uuid: 'its parent chain loops',
    }
    assert report['total'] == 14

    # The text form says the same, and the audit wrote nothing.
    result = _audit(url)
    assert result.returncode == 1, result
    assert 'Consumers without allocations (1):\n  consumer %s' % empty in (
        result.stdout)
    assert ('provider %s MEMORY_MB: used 768 > capacity 512 (over by 256)'
            % shrunk.uuid) in result.stdout
    assert result.stdout.endswith('14 finding(s).\n')

    result = _audit(url, '--json', '--fix-empty-consumers')
    assert result.returncode == 1, result
    report = json.loads(result.stdout)
    assert report['deleted_empty_consumers'] == 1
    assert report['findings']['consumer_without_allocations'] == []
    assert report['total'] == 13
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            left = conn.execute(sa.select(tables.consumers.c.uuid)
                                ).scalars().all()
    finally:
        engine.dispose()
    assert len(left) == 3 and empty not in left
