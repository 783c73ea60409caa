"""The reshaper: inventories and allocations of several providers changed
in one transaction (typically a class of inventory moving from a root
provider to a new child, with the allocations of it).

The steps, in one transaction:

1. lock every provider named (inventories and allocations), in id order,
   and compare the generations the client gave for the inventories with
   the current ones;
2. give each provider the union of its old and new inventories, so that
   nothing allocated disappears yet and the new classes exist;
3. replace the allocations of the consumers named (the same code as
   POST /allocations, with its capacity checks against step 2);
4. give each provider exactly its new inventories: a class still
   allocated cannot be removed (InventoryInUse).

Each step bumps the generations of the providers it changes, as the
separate API calls would.
"""
import sqlalchemy as sa

from placement.db import api as db_api
from placement.db import tables
from placement import exception
from placement.objects import allocation as alloc_obj
from placement.objects import inventory as inv_obj
from placement.objects import resource_provider as rp_obj

_rp = tables.resource_providers


def _lock(conn, provider_ids):
    """Row locks of the providers, in id order (no generation bump: the
    inventory and allocation steps bump what they change)."""
    for rp_id in sorted(provider_ids):
        conn.execute(sa.select(_rp.c.id).where(_rp.c.id == rp_id)
                     .with_for_update()).first()


def _providers(conn, uuids):
    """{uuid: id}; ResourceProviderNotFound for the first missing one."""
    found = dict(conn.execute(
        sa.select(_rp.c.uuid, _rp.c.id).where(_rp.c.uuid.in_(uuids))
    ).all())
    for uuid in uuids:
        if uuid not in found:
            raise exception.ResourceProviderNotFound(uuid=uuid)
    return found


def _set(ctx, conn, inventories, union):
    for rp_uuid, (_given, wanted) in sorted(inventories.items()):
        rp = rp_obj.get_by_uuid(conn, rp_uuid)
        records = dict(wanted)
        if union:
            for name, old in inv_obj.get_inventories(ctx, rp).items():
                records.setdefault(name, old.fields())
        inv_obj.set_inventories(ctx, rp, records, check_in_use=not union)


@db_api.retry_on_deadlock
@db_api.writer
def _reshape_once(ctx, conn, inventories, writes):
    inventory_ids = _providers(conn, list(inventories))
    allocated = list(dict.fromkeys(
        rp_uuid for write in writes for rp_uuid in write.allocations))
    allocation_ids = _providers(conn, allocated)
    _lock(conn, set(inventory_ids.values()) | set(allocation_ids.values()))
    for rp_uuid, (given, _wanted) in inventories.items():
        actual = rp_obj.get_by_uuid(conn, rp_uuid).generation
        if actual != given:
            raise exception.ResourceProviderGenerationConflict(
                uuid=rp_uuid, actual=actual, given=given)
    _set(ctx, conn, inventories, union=True)
    alloc_obj.apply_writes(ctx, conn, writes, bump_cleared=False)
    _set(ctx, conn, inventories, union=False)


def reshape(ctx, inventories, writes):
    """Apply ``inventories`` ({provider uuid: (generation the client
    read, {class name: inventory fields})}) and ``writes`` (ConsumerWrite
    list) atomically.

    :raises ResourceProviderNotFound: a provider does not exist.
    :raises ResourceProviderGenerationConflict: a generation given for
        the inventories is not the current one.
    :raises InventoryInUse: a class left out of a provider's inventories
        is still allocated there.
    and whatever placement.objects.allocation.apply_writes and
    set_inventories raise for the allocations and inventories.
    """
    return alloc_obj.retrying(
        ctx, lambda c: _reshape_once(c, inventories, list(writes)))
