"""Inventory writes in the object layer: validation, the in-use rule,
generations, and the transaction the reshaper shares."""
import dataclasses
import logging
import threading

import pytest

from placement import context as placement_context
from placement import exception
from placement.objects import inventory as inv_obj
from placement.objects import resource_provider as rp_obj
from tests import data


def _fresh(db, rp):
    with db.engine.connect() as conn:
        return rp_obj.get_by_uuid(conn, rp.uuid)


def _summary(ctx, rp):
    return {name: inv.fields()
            for name, inv in inv_obj.get_inventories(ctx, rp).items()}


@pytest.fixture
def rp(db):
    return data.create_provider(db, 'rp')


def test_defaults_and_replacement(ctx, db, rp):
    assert inv_obj.set_inventories(
        ctx, rp, {'VCPU': {'total': 8}, 'DISK_GB': {'total': 10}}) == 1
    assert _summary(ctx, rp)['VCPU'] == {
        'total': 8, 'reserved': 0, 'min_unit': 1,
        'max_unit': inv_obj.MAX_INT, 'step_size': 1,
        'allocation_ratio': 1.0}
    rp = _fresh(db, rp)
    assert rp.generation == 1
    generation = inv_obj.set_inventories(
        ctx, rp, {'DISK_GB': {'total': 20, 'reserved': 2, 'min_unit': 2,
                              'max_unit': 10, 'step_size': 2,
                              'allocation_ratio': 1.5}})
    assert generation == 2 == _fresh(db, rp).generation
    summary = _summary(ctx, rp)
    assert list(summary) == ['DISK_GB']
    assert summary['DISK_GB']['allocation_ratio'] == 1.5
    assert inv_obj.get_inventories(ctx, rp)['DISK_GB'].capacity == 27


def test_invalid_records_change_nothing(ctx, db, rp):
    inv_obj.set_inventories(ctx, rp, {'VCPU': {'total': 8}})
    before = _summary(ctx, rp)
    rp = _fresh(db, rp)
    bad = [
        ({'DISK_GB': {'total': 5, 'reserved': 6}},
         exception.InvalidInventoryCapacityReservedCanBeTotal, True),
        ({'DISK_GB': {'total': 5, 'reserved': 5}},
         exception.InvalidInventoryCapacity, False),
        ({'DISK_GB': {'total': 5, 'allocation_ratio': 0}},
         exception.InvalidInventoryCapacity, False),
        ({'CUSTOM_UNKNOWN': {'total': 5}},
         exception.ResourceClassNotFound, True),
    ]
    for inventories, error, reserved_can_equal_total in bad:
        with pytest.raises(error):
            inv_obj.set_inventories(
                ctx, rp, dict(inventories, VCPU={'total': 1}),
                reserved_can_equal_total=reserved_can_equal_total)
    assert _summary(ctx, rp) == before
    assert _fresh(db, rp).generation == rp.generation


def test_reserved_may_equal_total_when_allowed(ctx, rp):
    inv_obj.set_inventories(ctx, rp, {'VCPU': {'total': 4, 'reserved': 4}})
    assert inv_obj.get_inventories(ctx, rp)['VCPU'].capacity == 0


def test_stale_generation_is_refused(ctx, db, rp):
    inv_obj.set_inventories(ctx, rp, {'VCPU': {'total': 8}})
    # ``rp`` still says generation 0.
    with pytest.raises(exception.ConcurrentUpdateDetected):
        inv_obj.set_inventories(ctx, rp, {'VCPU': {'total': 1}})
    assert _summary(ctx, rp)['VCPU']['total'] == 8


def test_concurrent_writers_of_one_generation(ctx, conf, db, rp):
    """Two writers that read the same generation: the second waits for
    the first and then fails the generation check (never a duplicate row
    error), whatever it wanted to write."""
    first = placement_context.RequestContext(db=db, config=conf)
    outcome = {}

    def second_writer():
        try:
            inv_obj.add_inventory(
                placement_context.RequestContext(db=db, config=conf),
                rp, 'VCPU', {'total': 2})
        except Exception as exc:
            outcome['error'] = exc
    with first.db.writer(first):
        inv_obj.add_inventory(first, rp, 'VCPU', {'total': 1})
        thread = threading.Thread(target=second_writer)
        thread.start()
        threading.Event().wait(0.5)
    thread.join(60)
    assert isinstance(outcome.get('error'),
                      exception.ConcurrentUpdateDetected)
    assert _summary(ctx, rp)['VCPU']['total'] == 1


def test_removing_an_allocated_class_is_refused(ctx, db, rp):
    inv_obj.set_inventories(ctx, rp, {'VCPU': {'total': 8},
                                      'DISK_GB': {'total': 100},
                                      'MEMORY_MB': {'total': 512}})
    data.allocate(db, data.new_uuid(), {rp: {'DISK_GB': 10, 'VCPU': 1}})
    rp = _fresh(db, rp)
    with pytest.raises(exception.InventoryInUse) as caught:
        inv_obj.set_inventories(ctx, rp, {'MEMORY_MB': {'total': 512}})
    # Classes in id order, as upstream lists them.
    assert str(caught.value) == (
        "Inventory for 'VCPU, DISK_GB' on resource provider '%s' in use."
        % rp.uuid)
    with pytest.raises(exception.InventoryInUse):
        inv_obj.delete_inventory(ctx, rp, 'DISK_GB')
    assert sorted(_summary(ctx, rp)) == ['DISK_GB', 'MEMORY_MB', 'VCPU']
    # Unallocated classes go.
    result = inv_obj.delete_inventory(ctx, rp, 'MEMORY_MB')
    assert sorted(result.inventories) == ['DISK_GB', 'VCPU']


def test_shrinking_below_usage_is_allowed_and_logged(ctx, db, rp, caplog):
    inv_obj.set_inventories(ctx, rp, {'VCPU': {'total': 8}})
    data.allocate(db, data.new_uuid(), {rp: {'VCPU': 6}})
    with caplog.at_level(logging.WARNING, logger=inv_obj.__name__):
        inv_obj.set_inventories(ctx, _fresh(db, rp), {'VCPU': {'total': 4}})
    assert _summary(ctx, rp)['VCPU']['total'] == 4
    assert 'capacity of 4' in caplog.text


def test_reshaper_shares_its_transaction(ctx, db, rp):
    """Nested in the caller's transaction, set_inventories may remove an
    allocated class (the caller moves the allocations) and is undone with
    that transaction."""
    inv_obj.set_inventories(ctx, rp, {'VCPU': {'total': 8}})
    data.allocate(db, data.new_uuid(), {rp: {'VCPU': 2}})
    rp = _fresh(db, rp)
    child = data.create_provider(db, 'child', parent=rp)

    class Abandon(Exception):
        pass
    with pytest.raises(Abandon):
        with ctx.db.writer(ctx):
            assert inv_obj.set_inventories(
                ctx, rp, {}, check_in_use=False) == rp.generation + 1
            inv_obj.set_inventories(ctx, child, {'VCPU': {'total': 8}})
            assert _summary(ctx, rp) == {}
            raise Abandon()
    assert list(_summary(ctx, rp)) == ['VCPU']
    assert _summary(ctx, child) == {}
    assert _fresh(db, rp).generation == rp.generation


def test_single_class_writes(ctx, db, rp):
    result = inv_obj.add_inventory(ctx, rp, 'VCPU', {'total': 4})
    assert result.generation == 1
    rp = dataclasses.replace(rp, generation=1)
    with pytest.raises(exception.InventoryExists):
        inv_obj.add_inventory(ctx, rp, 'VCPU', {'total': 4})
    with pytest.raises(exception.InventoryNotFound):
        inv_obj.update_inventory(ctx, rp, 'DISK_GB', {'total': 4})
    with pytest.raises(exception.InventoryNotFound):
        inv_obj.delete_inventory(ctx, rp, 'DISK_GB')
    result = inv_obj.update_inventory(ctx, rp, 'VCPU', {'total': 6,
                                                        'reserved': 1})
    assert (result.generation, result.inventories['VCPU'].reserved) == (2, 1)
    # An update replaces the record: fields left out get their defaults.
    rp = dataclasses.replace(rp, generation=2)
    result = inv_obj.update_inventory(ctx, rp, 'VCPU', {'total': 6})
    assert (result.generation, result.inventories['VCPU'].reserved) == (3, 0)
    rp = dataclasses.replace(rp, generation=3)
    result = inv_obj.delete_inventory(ctx, rp, 'VCPU')
    assert (result.generation, result.inventories) == (4, {})
