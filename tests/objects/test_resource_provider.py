"""The provider object layer: creation, the tree rules of moves, and what
deleting a provider takes with it or refuses."""
import threading

import pytest
import sqlalchemy as sa

from placement import context as placement_context
from placement.db import tables
from placement import exception
from placement.objects import resource_provider as rp_obj
from tests import data


def _count(db, table, **where):
    query = sa.select(sa.func.count()).select_from(table)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    with db.engine.connect() as conn:
        return conn.execute(query).scalar()


def test_create_root_and_child(ctx):
    root = rp_obj.create(ctx, data.new_uuid(), 'root')
    assert root.root_provider_id == root.id
    assert root.parent_provider_id is None
    assert root.generation == 0
    child = rp_obj.create(ctx, data.new_uuid(), 'child',
                          parent_uuid=root.uuid)
    assert (child.parent_provider_uuid, child.root_provider_uuid) == (
        root.uuid, root.uuid)
    assert rp_obj.get(ctx, child.uuid) == child


def test_create_refusals(ctx, db):
    root = rp_obj.create(ctx, data.new_uuid(), 'root')
    with pytest.raises(exception.ResourceProviderExists) as caught:
        rp_obj.create(ctx, root.uuid, 'another')
    assert caught.value.kwargs == {'field': 'uuid', 'value': root.uuid}
    with pytest.raises(exception.ResourceProviderExists) as caught:
        rp_obj.create(ctx, data.new_uuid(), 'root')
    assert caught.value.kwargs['field'] == 'name'
    with pytest.raises(exception.InvalidResourceProviderParent):
        rp_obj.create(ctx, data.new_uuid(), 'x', parent_uuid=data.new_uuid())
    uuid = data.new_uuid()
    with pytest.raises(exception.InvalidResourceProviderParent):
        rp_obj.create(ctx, uuid, 'x', parent_uuid=uuid)
    assert _count(db, tables.resource_providers) == 1


def test_move_subtree_updates_every_root(ctx, db):
    a = data.create_provider(db, 'a')
    b = data.create_provider(db, 'b', parent=a)
    c = data.create_provider(db, 'c', parent=b)
    d = data.create_provider(db, 'd', parent=c)
    sibling = data.create_provider(db, 'sibling', parent=a)
    other = data.create_provider(db, 'other')

    moved = rp_obj.update(ctx, b.uuid, 'b', parent_uuid=other.uuid,
                          allow_reparent=True)
    assert moved.root_provider_id == other.id
    for rp in (c, d):
        assert rp_obj.get(ctx, rp.uuid).root_provider_id == other.id
    assert rp_obj.get(ctx, sibling.uuid).root_provider_id == a.id

    rp_obj.update(ctx, c.uuid, 'c', parent_uuid=None, allow_reparent=True)
    assert rp_obj.get(ctx, c.uuid).root_provider_id == c.id
    assert rp_obj.get(ctx, d.uuid).root_provider_id == c.id
    assert rp_obj.get(ctx, b.uuid).root_provider_id == other.id


def test_move_refusals_change_nothing(ctx, db):
    a = data.create_provider(db, 'a')
    b = data.create_provider(db, 'b', parent=a)
    c = data.create_provider(db, 'c', parent=b)
    other = data.create_provider(db, 'other')
    refusals = [
        (b.uuid, c.uuid, True),         # under its own child: a loop
        (b.uuid, b.uuid, True),         # under itself
        (a.uuid, c.uuid, False),        # a root under its grandchild
        (b.uuid, other.uuid, False),    # re-parenting needs the flag
        (b.uuid, None, False),          # so does un-parenting
        (b.uuid, data.new_uuid(), True),  # no such parent
    ]
    for uuid, parent, allow in refusals:
        with pytest.raises(exception.InvalidResourceProviderParent):
            rp_obj.update(ctx, uuid, 'renamed', parent_uuid=parent,
                          allow_reparent=allow)
    for rp in (a, b, c, other):
        assert rp_obj.get(ctx, rp.uuid) == rp


def test_update_keeps_generation_and_unchanged_parent(ctx, db):
    a = data.create_provider(db, 'a')
    b = data.create_provider(db, 'b', parent=a)
    updated = rp_obj.update(ctx, b.uuid, 'new name')
    assert (updated.name, updated.generation, updated.parent_provider_id) \
        == ('new name', 0, a.id)
    with pytest.raises(exception.ResourceProviderExists):
        rp_obj.update(ctx, b.uuid, 'a')
    with pytest.raises(exception.ResourceProviderNotFound):
        rp_obj.update(ctx, data.new_uuid(), 'x')


def test_delete_removes_what_the_provider_has(ctx, db):
    rp = data.create_provider(db, 'rp')
    keep = data.create_provider(db, 'keep')
    agg = data.new_uuid()
    for provider in (rp, keep):
        data.add_inventory(db, provider, 'VCPU', 4)
        data.set_traits(db, provider, 'CUSTOM_T', 'HW_CPU_X86_SSE')
        data.set_aggregates(db, provider, agg)
    rp_obj.delete(ctx, rp.uuid)
    with pytest.raises(exception.ResourceProviderNotFound):
        rp_obj.get(ctx, rp.uuid)
    for table in (tables.inventories, tables.resource_provider_traits,
                  tables.resource_provider_aggregates):
        assert _count(db, table, resource_provider_id=rp.id) == 0
        assert _count(db, table, resource_provider_id=keep.id) > 0
    # Traits and aggregates themselves outlive the provider.
    assert _count(db, tables.traits, name='CUSTOM_T') == 1
    assert _count(db, tables.placement_aggregates, uuid=agg) == 1
    with pytest.raises(exception.ResourceProviderNotFound):
        rp_obj.delete(ctx, rp.uuid)


def test_delete_refusals(ctx, db):
    parent = data.create_provider(db, 'parent')
    child = data.create_provider(db, 'child', parent=parent)
    with pytest.raises(exception.CannotDeleteParentResourceProvider):
        rp_obj.delete(ctx, parent.uuid)
    data.add_inventory(db, child, 'DISK_GB', 10)
    data.allocate(db, data.new_uuid(), {child: {'DISK_GB': 1}})
    with pytest.raises(exception.ResourceProviderInUse):
        rp_obj.delete(ctx, child.uuid)
    assert _count(db, tables.inventories, resource_provider_id=child.id) == 1
    assert _count(db, tables.resource_providers) == 2


def _race(conf, db, first_op, second_op):
    """Run ``second_op`` in another thread while ``first_op``'s transaction
    is open; return what the second raised (or None)."""
    first = placement_context.RequestContext(db=db, config=conf)
    outcome = {}

    def second():
        try:
            second_op(placement_context.RequestContext(db=db, config=conf))
        except Exception as exc:
            outcome['error'] = exc
    with first.db.writer(first):
        first_op(first)
        thread = threading.Thread(target=second)
        thread.start()
        threading.Event().wait(0.5)
    thread.join(60)
    assert not thread.is_alive()
    return outcome.get('error')


def test_child_created_during_a_move_gets_the_new_root(ctx, conf, db):
    a = data.create_provider(db, 'a')
    b = data.create_provider(db, 'b', parent=a)
    other = data.create_provider(db, 'other')
    child_uuid = data.new_uuid()
    error = _race(
        conf, db,
        lambda c: rp_obj.update(c, b.uuid, 'b', parent_uuid=other.uuid,
                                allow_reparent=True),
        lambda c: rp_obj.create(c, child_uuid, 'child', parent_uuid=b.uuid))
    assert error is None
    assert rp_obj.get(ctx, child_uuid).root_provider_id == other.id


def test_parent_deleted_while_a_child_is_created(ctx, conf, db):
    parent = data.create_provider(db, 'parent')
    error = _race(
        conf, db,
        lambda c: rp_obj.create(c, data.new_uuid(), 'child',
                                parent_uuid=parent.uuid),
        lambda c: rp_obj.delete(c, parent.uuid))
    assert isinstance(error, exception.CannotDeleteParentResourceProvider)
    assert rp_obj.get(ctx, parent.uuid) == parent
