"""Inventories: what each resource provider offers of each class.

Every write replaces a provider's inventories as a whole, inside one
transaction that first bumps the provider generation (the optimistic
concurrency check, placement.objects.generation). Bumping first also takes
the provider's row lock, so concurrent writers of one provider queue up
there and the loser fails the generation check instead of racing on the
inventory rows.

Records given to the writers are dicts of the fields below; missing ones
get the defaults of OpenStack Placement.

Rules:

* reserved must stay below total (more precisely: the capacity,
  int((total - reserved) * allocation_ratio), must be positive), or,
  when the caller allows it (from microversion 1.26), may equal it (the
  capacity must not be negative);
* min_unit may exceed max_unit (such an inventory takes no allocation),
  as in OpenStack Placement;
* a class cannot be removed from a provider while allocations of it
  remain there (InventoryInUse); shrinking the capacity below what is
  already allocated is allowed, and only logged, as upstream does.
"""
import collections
import dataclasses
import datetime
import logging

import sqlalchemy as sa

from placement.db import api as db_api
from placement.db import tables
from placement import exception
from placement.objects import generation as generation_mod
from placement.objects import resource_class as rc_obj

LOG = logging.getLogger(__name__)

MAX_INT = 2147483647

DEFAULTS = {
    'reserved': 0,
    'min_unit': 1,
    'max_unit': MAX_INT,
    'step_size': 1,
    'allocation_ratio': 1.0,
}
FIELDS = ('total',) + tuple(DEFAULTS)

_inv = tables.inventories
_alloc = tables.allocations


def capacity(record):
    """How much of an inventory can be allocated in all; ``record`` is an
    Inventory or an inventories row."""
    return int((record.total - record.reserved) * record.allocation_ratio)


# The same capacity as an SQL expression over the inventories table, for
# the queries that compare it with usage (candidate search, audit). It
# stays unfloored there: upstream compares the float.
CAPACITY = (_inv.c.total - _inv.c.reserved) * _inv.c.allocation_ratio


@dataclasses.dataclass(frozen=True)
class Inventory:
    resource_class: str
    total: int
    reserved: int
    min_unit: int
    max_unit: int
    step_size: int
    allocation_ratio: float
    created_at: datetime.datetime | None = None
    updated_at: datetime.datetime | None = None

    @property
    def capacity(self):
        return capacity(self)

    def fields(self):
        return {name: getattr(self, name) for name in FIELDS}


@dataclasses.dataclass(frozen=True)
class ProviderInventories:
    """A provider's inventories, by class name, after a write."""
    generation: int
    inventories: dict


# One stored inventory: its class id and the record.
_Stored = collections.namedtuple('_Stored', 'rc_id inventory')


def _read(conn, rp_id):
    """{class name: _Stored} of provider ``rp_id``, in class id order."""
    rows = conn.execute(
        sa.select(_inv.c.resource_class_id, _inv.c.created_at,
                  _inv.c.updated_at, *(_inv.c[name] for name in FIELDS))
        .where(_inv.c.resource_provider_id == rp_id)
        .order_by(_inv.c.resource_class_id)).mappings().all()
    names = rc_obj.names_for_ids(conn, {row['resource_class_id']
                                        for row in rows})
    stored = {}
    for row in rows:
        values = dict(row)
        rc_id = values.pop('resource_class_id')
        # A class deleted under a stored inventory (which the class
        # delete prevents) would have no name: leave the row out rather
        # than fail every read of the provider.
        if rc_id in names:
            values['allocation_ratio'] = float(values['allocation_ratio'])
            stored[names[rc_id]] = _Stored(
                rc_id, Inventory(resource_class=names[rc_id], **values))
    return stored


def _public(stored):
    return {name: item.inventory for name, item in stored.items()}


@db_api.reader
def get_inventories(ctx, conn, rp):
    """{class name: Inventory} of the provider ``rp`` (a
    ResourceProvider), in class id order."""
    return _public(_read(conn, rp.id))


def _record(rp, name, fields, reserved_can_equal_total):
    """A validated, complete Inventory (without timestamps) for the
    fields a caller gave."""
    values = dict(DEFAULTS)
    values.update(fields)
    values['allocation_ratio'] = float(values['allocation_ratio'])
    inventory = Inventory(resource_class=name,
                          **{key: values[key] for key in FIELDS})
    # As upstream: the (rounded) capacity must be positive, or, from 1.26,
    # not negative; the message speaks of reserved either way.
    try:
        capacity = inventory.capacity
    except OverflowError:
        # Beyond any float (a huge negative ratio): upstream fails
        # converting it (a 500); here it is no capacity.
        capacity = -1
    if reserved_can_equal_total:
        if capacity < 0:
            raise exception.InvalidInventoryCapacityReservedCanBeTotal(
                resource_class=name, uuid=rp.uuid)
    elif capacity <= 0:
        raise exception.InvalidInventoryCapacity(
            resource_class=name, uuid=rp.uuid)
    return inventory


def _records(rp, inventories, reserved_can_equal_total):
    return {name: _record(rp, name, fields, reserved_can_equal_total)
            for name, fields in inventories.items()}


def _lock(conn, rp):
    """Bump the provider generation from ``rp.generation`` (taking the
    provider's row lock) and read the inventories as they are under the
    lock: (new generation, {name: _Stored})."""
    generation = generation_mod.bump_provider(conn, rp.id, rp.generation)
    return generation, _read(conn, rp.id)


def _usages(conn, rp_id, rc_ids):
    """{class id: amount allocated} on the provider for ``rc_ids``."""
    if not rc_ids:
        return {}
    rows = conn.execute(
        sa.select(_alloc.c.resource_class_id, sa.func.sum(_alloc.c.used))
        .where(_alloc.c.resource_provider_id == rp_id,
               _alloc.c.resource_class_id.in_(sorted(rc_ids)))
        .group_by(_alloc.c.resource_class_id))
    return {rc_id: int(used) for rc_id, used in rows if used}


def _apply(conn, rp, current, wanted, check_in_use):
    """Turn the stored inventories ``current`` into ``wanted`` ({name:
    Inventory}), touching only the rows that change."""
    wanted_ids = rc_obj.lock_ids_for_names(conn, sorted(wanted))
    removed = {item.rc_id: name for name, item in current.items()
               if name not in wanted}
    if removed and check_in_use:
        used = _usages(conn, rp.id, removed)
        in_use = [removed[rc_id] for rc_id in sorted(used)]
        if in_use:
            raise exception.InventoryInUse(
                resource_classes=', '.join(in_use), uuid=rp.uuid)
    if removed:
        conn.execute(_inv.delete().where(
            _inv.c.resource_provider_id == rp.id,
            _inv.c.resource_class_id.in_(sorted(removed))))
    changed = {}
    for name, inventory in wanted.items():
        rc_id = wanted_ids[name]
        if name not in current:
            conn.execute(_inv.insert().values(
                resource_provider_id=rp.id, resource_class_id=rc_id,
                **inventory.fields()))
        elif current[name].inventory.fields() != inventory.fields():
            conn.execute(_inv.update().where(
                _inv.c.resource_provider_id == rp.id,
                _inv.c.resource_class_id == rc_id,
            ).values(**inventory.fields()))
            changed[rc_id] = inventory
    for rc_id, used in _usages(conn, rp.id, changed).items():
        if used > changed[rc_id].capacity:
            LOG.warning(
                'Resource provider %s now has %d of %s allocated, more '
                'than the capacity of %d its new inventory gives.',
                rp.uuid, used, changed[rc_id].resource_class,
                changed[rc_id].capacity)


def _replace(conn, rp, inventories, check_in_use, reserved_can_equal_total):
    wanted = _records(rp, inventories, reserved_can_equal_total)
    generation, current = _lock(conn, rp)
    _apply(conn, rp, current, wanted, check_in_use)
    return generation


@db_api.writer
def set_inventories(ctx, conn, rp, inventories, *, check_in_use=True,
                    reserved_can_equal_total=True):
    """Replace all inventories of provider ``rp`` and return its new
    generation.

    :param rp: the ResourceProvider; ``rp.generation`` is the generation
        the caller read: ConcurrentUpdateDetected if it changed since.
    :param inventories: {resource class name: {field: value}}; fields are
        total (required), reserved, min_unit, max_unit, step_size,
        allocation_ratio. Classes left out are removed.
    :param check_in_use: raise InventoryInUse when a removed class still
        has allocations on the provider. The reshaper passes False because
        it moves those allocations in the same transaction.
    :param reserved_can_equal_total: False for microversions before 1.26.
    :raises ResourceClassNotFound: an unknown class name.
    :raises InvalidInventory: a record breaks a rule (its subclasses say
        which).

    Runs in the caller's transaction when called with a context that has
    one open (nested writer); no retry of its own for that reason.
    """
    return _replace(conn, rp, inventories, check_in_use,
                    reserved_can_equal_total)


def _result(conn, rp, generation):
    return ProviderInventories(generation, _public(_read(conn, rp.id)))


@db_api.retry_on_deadlock
@db_api.writer
def replace_inventories(ctx, conn, rp, inventories, *,
                        reserved_can_equal_total=True):
    """set_inventories in a transaction of its own; returns the
    ProviderInventories written."""
    generation = _replace(conn, rp, inventories, True,
                          reserved_can_equal_total)
    return _result(conn, rp, generation)


def _change(conn, rp, change):
    """Lock the provider, let ``change(current)`` say which records to
    keep or write ({name: Inventory}), apply it, return the result."""
    generation, current = _lock(conn, rp)
    wanted = change(current)
    _apply(conn, rp, current, wanted, check_in_use=True)
    return _result(conn, rp, generation)


def _kept(current):
    return {name: item.inventory for name, item in current.items()}


@db_api.retry_on_deadlock
@db_api.writer
def add_inventory(ctx, conn, rp, resource_class, fields, *,
                  reserved_can_equal_total=True):
    """Add the inventory of one class; InventoryExists if the provider
    has one."""
    record = _record(rp, resource_class, fields, reserved_can_equal_total)

    def change(current):
        if resource_class in current:
            raise exception.InventoryExists(resource_class=resource_class,
                                            uuid=rp.uuid)
        return dict(_kept(current), **{resource_class: record})
    return _change(conn, rp, change)


@db_api.retry_on_deadlock
@db_api.writer
def update_inventory(ctx, conn, rp, resource_class, fields, *,
                     reserved_can_equal_total=True):
    """Replace the inventory of one class; InventoryNotFound if the
    provider has none."""
    record = _record(rp, resource_class, fields, reserved_can_equal_total)

    def change(current):
        if resource_class not in current:
            raise exception.InventoryNotFound(resource_class=resource_class,
                                              uuid=rp.uuid)
        return dict(_kept(current), **{resource_class: record})
    return _change(conn, rp, change)


@db_api.retry_on_deadlock
@db_api.writer
def delete_inventory(ctx, conn, rp, resource_class):
    """Remove the inventory of one class; ResourceClassNotFound if there
    is no such class, InventoryNotFound if the provider has none of it,
    InventoryInUse if it is allocated."""
    def change(current):
        if resource_class not in current:
            rc_obj.id_for_name(conn, resource_class)
            raise exception.InventoryNotFound(resource_class=resource_class,
                                              uuid=rp.uuid)
        kept = _kept(current)
        del kept[resource_class]
        return kept
    return _change(conn, rp, change)
