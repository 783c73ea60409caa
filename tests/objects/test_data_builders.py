"""The test data builders produce what the object layer reads back."""
import sqlalchemy as sa

from placement.db import tables
from placement.objects import resource_provider
from tests import data


def test_tree_links_root_and_parent(db):
    root = data.create_provider(db, 'root')
    child = data.create_provider(db, 'child', parent=root)
    assert root.root_provider_id == root.id
    assert root.parent_provider_uuid is None
    assert child.root_provider_uuid == root.uuid
    assert child.parent_provider_uuid == root.uuid
    with db.engine.connect() as conn:
        assert resource_provider.get_by_uuid(conn, child.uuid) == child


def test_allocate_creates_consumer_once(db):
    rp = data.create_provider(db, 'rp')
    data.add_inventory(db, rp, 'CUSTOM_THING', 10)
    consumer = data.new_uuid()
    data.allocate(db, consumer, {rp: {'CUSTOM_THING': 2}})
    data.allocate(db, consumer, {rp: {'CUSTOM_THING': 3}})
    with db.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(
            tables.consumers)).scalar() == 1
        assert conn.execute(sa.select(sa.func.sum(
            tables.allocations.c.used))).scalar() == 5
