"""Provider aggregates in the object layer: replace semantics, aggregates
created on demand, and the generation guard."""
import pytest
import sqlalchemy as sa

from placement.db import tables
from placement import exception
from placement.objects import aggregate
from placement.objects import resource_provider as rp_obj
from tests import data

AGG_1, AGG_2, AGG_3 = (data.new_uuid() for _ in range(3))


def _aggregate_uuids(db):
    with db.engine.connect() as conn:
        return set(conn.execute(sa.select(
            tables.placement_aggregates.c.uuid)).scalars())


def test_replace_without_generation(ctx, db):
    rp = data.create_provider(db, 'rp')
    assert aggregate.set_for_provider(ctx, rp, [AGG_1, AGG_2]) == 0
    assert sorted(aggregate.list_for_provider(ctx, rp.id)) == sorted(
        [AGG_1, AGG_2])
    assert aggregate.set_for_provider(ctx, rp, [AGG_2, AGG_3]) == 0
    assert sorted(aggregate.list_for_provider(ctx, rp.id)) == sorted(
        [AGG_2, AGG_3])
    assert rp_obj.get(ctx, rp.uuid).generation == 0
    # An aggregate no provider is in any more still exists.
    assert _aggregate_uuids(db) == {AGG_1, AGG_2, AGG_3}


def test_replace_with_generation(ctx, db):
    rp = data.create_provider(db, 'rp')
    assert aggregate.set_for_provider(ctx, rp, [AGG_1],
                                      expected_generation=0) == 1
    with pytest.raises(exception.ConcurrentUpdateDetected):
        aggregate.set_for_provider(ctx, rp, [], expected_generation=0)
    assert aggregate.list_for_provider(ctx, rp.id) == [AGG_1]
    assert rp_obj.get(ctx, rp.uuid).generation == 1


def test_deleted_provider(ctx, db):
    rp = data.create_provider(db, 'rp')
    rp_obj.delete(ctx, rp.uuid)
    with pytest.raises(exception.ResourceProviderNotFound):
        aggregate.set_for_provider(ctx, rp, [AGG_1])
    with pytest.raises(exception.ConcurrentUpdateDetected):
        aggregate.set_for_provider(ctx, rp, [AGG_1], expected_generation=0)
    assert _aggregate_uuids(db) == set()


def test_ids_for_uuids_and_idempotent_insert(ctx, db):
    with db.engine.begin() as conn:
        assert aggregate.ids_for_uuids(conn, [AGG_1]) == {}
        aggregate.insert_ignoring_duplicates(
            conn, tables.placement_aggregates, [{'uuid': AGG_1}])
        assert aggregate.insert_ignoring_duplicates(
            conn, tables.placement_aggregates, {'uuid': AGG_1}) == 0
        found = aggregate.ids_for_uuids(conn, [AGG_1, AGG_2])
    assert list(found) == [AGG_1]
