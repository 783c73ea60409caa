"""Allocations: reading them, and replacing the allocations of consumers.

Every write of allocations (PUT and POST /allocations, the reshaper) goes
through ``apply_writes``, one transaction that:

1. locks the row of every provider that gets allocations, in id order
   (``SELECT ... FOR UPDATE``), and bumps its generation from the value
   read under that lock (placement.objects.generation);
2. locks and checks the row of every consumer written, in uuid order, and
   bumps its generation (or creates it);
3. only then reads the usage and inventory of those providers: under
   READ COMMITTED every statement sees what was committed before it, and
   nobody can commit allocations on a locked provider before this
   transaction ends;
4. checks capacity and the inventory constraints, replaces the consumers'
   allocation rows and removes the consumers left without any.

Removing allocations only frees capacity, so the providers that merely
lose allocations are neither locked nor bumped (as in OpenStack
Placement, whose provider generations the API exposes).

``replace`` runs that transaction and retries it, each time in a new
transaction, when it lost a race that the client did not ask to know about
(a provider generation, or a consumer created or changed under a request
that sent no consumer generation), up to
``[placement] allocation_conflict_retry_count`` times. Deadlocks and Galera
certification failures abort the transaction too and are retried by
``db_api.retry_on_deadlock`` around the same function. See
doc/concurrency.rst.
"""
import collections
import dataclasses
import logging
import random
import time

from oslo_db import exception as db_exc
import sqlalchemy as sa

from placement.db import api as db_api
from placement.db import tables
from placement import exception
from placement import metrics
from placement.objects import consumer as consumer_obj
from placement.objects import generation as generation_mod
from placement.objects import inventory as inv_obj
from placement.objects import resource_class as rc_obj
from placement.objects import resource_provider

LOG = logging.getLogger(__name__)

_alloc = tables.allocations
_rp = tables.resource_providers
_inv = tables.inventories

# ConsumerWrite.generation when the request predates consumer generations
# (microversions before 1.28): the write applies whatever the consumer's
# generation is. ConsumerWrite.consumer_type when the request predates
# consumer types: an existing consumer keeps its type.
UNCHECKED = object()


@dataclasses.dataclass
class ConsumerWrite:
    """The allocations one consumer should have after a write.

    ``allocations`` is {provider uuid: {resource class name: amount}};
    empty means "remove all of them". ``generation`` is the consumer
    generation the client expects (None: the consumer must not exist yet)
    or UNCHECKED. ``project_id``/``user_id`` None means "not given" (before
    1.8): the consumer, new or existing, gets the configured
    incomplete-consumer ids, as in OpenStack Placement (nova-manage
    placement heal_allocations relies on it).
    """
    consumer_uuid: str
    allocations: dict
    project_id: str | None = None
    user_id: str | None = None
    generation: object = UNCHECKED
    consumer_type: object = UNCHECKED


class _Retry(Exception):
    """The transaction lost a race that a new attempt may win."""


def _provider_rows(conn, uuids):
    """{uuid: id} of the providers ``uuids``; ResourceProviderNotFound
    names the first missing one (in the order given)."""
    rows = conn.execute(sa.select(_rp.c.uuid, _rp.c.id)
                        .where(_rp.c.uuid.in_(sorted(set(uuids)))))
    found = dict(rows.all())
    for uuid in uuids:
        if uuid not in found:
            raise exception.ResourceProviderNotFound(uuid=uuid)
    return found


def lock_providers(conn, provider_ids):
    """Lock the provider rows in id order and bump their generations;
    returns {id: new generation}.

    The generation is read under the row lock, so on one database server
    the bump cannot fail; on Galera the lock is local to the node and a
    concurrent writer elsewhere shows up as a changed generation (retried)
    or as a certification failure at commit (a deadlock, retried).
    """
    generations = {}
    for rp_id in sorted(set(provider_ids)):
        current = conn.execute(
            sa.select(_rp.c.generation).where(_rp.c.id == rp_id)
            .with_for_update()).scalar_one_or_none()
        if current is None:
            # Deleted since it was looked up.
            raise _Retry()
        try:
            generations[rp_id] = generation_mod.bump_provider(
                conn, rp_id, current)
        except exception.ConcurrentUpdateDetected:
            raise _Retry()
    return generations


def _consumer_conflict(write, consumer):
    """The 409 for a consumer generation other than the client's."""
    expected = 'null' if consumer is None else consumer.generation
    return exception.ConsumerGenerationConflict(expected=expected,
                                                got=write.generation)


def _lock_consumer(ctx, conn, write):
    """Check, create or update the consumer of ``write`` and bump its
    generation; returns the consumer's id (None if it is new and left
    without allocations: nothing to do)."""
    consumer = consumer_obj.find(conn, write.consumer_uuid, lock=True)
    if write.generation is not UNCHECKED:
        current = None if consumer is None else consumer.generation
        if current != write.generation:
            raise _consumer_conflict(write, consumer)
    consumer_type = (None if write.consumer_type is UNCHECKED
                     else write.consumer_type)
    conf = ctx.config.placement
    project_id = write.project_id or conf.incomplete_consumer_project_id
    user_id = write.user_id or conf.incomplete_consumer_user_id
    if consumer is None:
        if not write.allocations:
            return None
        try:
            # Born with the generation of its first write.
            return consumer_obj.create(
                conn, write.consumer_uuid, project_id, user_id,
                consumer_type, generation=1)
        except db_exc.DBDuplicateEntry:
            # Created by a concurrent transaction: a new attempt sees it.
            raise _Retry()
    consumer_obj.update_owner(conn, consumer, project_id, user_id,
                              consumer_type)
    try:
        consumer_obj.bump(conn, consumer)
    except exception.ConcurrentUpdateDetected:
        raise _Retry()
    return consumer.id


def _summed(conn, where):
    """{(provider id, class id): amount} of the allocations ``where``
    selects."""
    rows = conn.execute(
        sa.select(_alloc.c.resource_provider_id, _alloc.c.resource_class_id,
                  sa.func.sum(_alloc.c.used))
        .where(where)
        .group_by(_alloc.c.resource_provider_id,
                  _alloc.c.resource_class_id))
    return {(rp_id, rc_id): int(used) for rp_id, rc_id, used in rows}


def _usages(conn, provider_ids):
    """{(provider id, class id): amount allocated}."""
    return _summed(conn,
                   _alloc.c.resource_provider_id.in_(sorted(provider_ids)))


def _inventories(conn, provider_ids):
    """{(provider id, class id): inventory row}."""
    rows = conn.execute(
        sa.select(_inv).where(
            _inv.c.resource_provider_id.in_(sorted(provider_ids))))
    return {(row.resource_provider_id, row.resource_class_id): row
            for row in rows}


def _existing(conn, consumer_uuids):
    """{(provider id, class id): amount} held by ``consumer_uuids``."""
    return _summed(conn, _alloc.c.consumer_id.in_(sorted(consumer_uuids)))


def _check(conn, wanted, released, provider_uuids, rc_names):
    """Check the amounts ``wanted`` ({(rp id, rc id, consumer): amount})
    against the inventories, given what the written consumers held before
    (``released``). Reads usage and inventory: call under the locks."""
    provider_ids = {rp_id for rp_id, _rc, _c in wanted}
    inventories = _inventories(conn, provider_ids)
    before = _usages(conn, provider_ids)
    after = collections.Counter()
    for (rp_id, rc_id, consumer_uuid), amount in wanted.items():
        key = (rp_id, rc_id)
        inventory = inventories.get(key)
        names = {'resource_class': rc_names[rc_id],
                 'uuid': provider_uuids[rp_id]}
        if inventory is None:
            raise exception.InvalidInventoryForAllocation(
                consumer=consumer_uuid, **names)
        if (amount < inventory.min_unit or amount > inventory.max_unit or
                amount % inventory.step_size):
            raise exception.InvalidAllocationConstraintsViolated(**names)
        after[key] += amount
    for key, amount in after.items():
        old = before.get(key, 0)
        new = old - released.get(key, 0) + amount
        limit = inv_obj.capacity(inventories[key])
        if new > limit:
            if new > old:
                raise exception.InvalidAllocationCapacityExceeded(
                    resource_class=rc_names[key[1]],
                    uuid=provider_uuids[key[0]])
            # The inventory shrank below what was allocated; a write
            # that does not make it worse (a consumer re-writing what it
            # holds) is still allowed.
            LOG.warning('Over capacity for %s on resource provider %s, '
                        'but the allocation does not increase the '
                        'overage (%d -> %d of %d).', rc_names[key[1]],
                        provider_uuids[key[0]], old, new, limit)


def apply_writes(ctx, conn, writes, bump_cleared=True):
    """Replace the allocations of the consumers in ``writes`` (a list of
    ConsumerWrite) inside the caller's transaction ``conn``.
    ``bump_cleared``: bump the generations of the providers a cleared
    consumer leaves (as upstream's allocation writes do; its reshape does
    not).

    :raises ResourceProviderNotFound: a provider does not exist.
    :raises ResourceClassNotFound: a class does not exist.
    :raises ConsumerGenerationConflict: a consumer generation mismatch.
    :raises InvalidInventoryForAllocation,
        InvalidAllocationConstraintsViolated,
        InvalidAllocationCapacityExceeded: the allocations do not fit.
    :raises _Retry: a race was lost; the transaction must be abandoned.
    """
    provider_uuids = []
    class_names = []
    for write in writes:
        for rp_uuid, resources in write.allocations.items():
            provider_uuids.append(rp_uuid)
            class_names.extend(resources)
    rc_ids = rc_obj.ids_for_names(conn, list(dict.fromkeys(class_names)))
    rp_ids = _provider_rows(conn, list(dict.fromkeys(provider_uuids)))

    # A write that clears a consumer changes the providers it leaves (as
    # upstream, their generations move); one that replaces allocations
    # changes only the providers it names.
    cleared = sorted(w.consumer_uuid for w in writes if not w.allocations)
    left = set()
    if cleared and bump_cleared:
        left = {row[0] for row in conn.execute(
            sa.select(_alloc.c.resource_provider_id).distinct()
            .where(_alloc.c.consumer_id.in_(cleared)))}
    # Locks: providers (id order), then consumers (uuid order), as every
    # writer takes them, so that writers queue instead of deadlocking.
    lock_providers(conn, set(rp_ids.values()) | left)
    consumers = {}
    for write in sorted(writes, key=lambda w: w.consumer_uuid):
        consumers[write.consumer_uuid] = _lock_consumer(ctx, conn, write)

    wanted = {}
    for write in writes:
        for rp_uuid, resources in write.allocations.items():
            for rc_name, amount in resources.items():
                key = (rp_ids[rp_uuid], rc_ids[rc_name],
                       write.consumer_uuid)
                wanted[key] = wanted.get(key, 0) + amount
    written = [w.consumer_uuid for w in writes]
    released = _existing(conn, written)
    if wanted:
        _check(conn, wanted, released,
               {rp_id: uuid for uuid, rp_id in rp_ids.items()},
               {rc_id: name for name, rc_id in rc_ids.items()})

    conn.execute(_alloc.delete().where(
        _alloc.c.consumer_id.in_(sorted(written))))
    if wanted:
        # In the order of the request: allocations are listed in the
        # order they were written (ids), as OpenStack Placement does.
        conn.execute(_alloc.insert(), [
            {'resource_provider_id': rp_id, 'resource_class_id': rc_id,
             'consumer_id': consumer_uuid, 'used': amount}
            for (rp_id, rc_id, consumer_uuid), amount in wanted.items()])
    consumer_obj.delete(conn, [
        consumers[w.consumer_uuid] for w in writes
        if not w.allocations and consumers[w.consumer_uuid] is not None])


def retrying(ctx, attempt):
    """Run ``attempt(ctx)`` (which opens and commits its own transaction)
    until it does not lose a race, at most 1 +
    ``allocation_conflict_retry_count`` times; losing the last time is a
    ConcurrentUpdateDetected.

    Only races the client did not ask to hear about are retried: provider
    generations are never taken from the client, and a consumer generation
    the client sent is checked again by the new attempt (which then fails
    with ConsumerGenerationConflict, not retried).
    """
    retries = ctx.config.placement.allocation_conflict_retry_count
    for number in range(retries + 1):
        if number:
            # Let the winner commit before trying again.
            time.sleep(random.uniform(0, 0.005 * number))
        try:
            return attempt(ctx)
        except _Retry:
            metrics.retried('generation_race')
            LOG.debug('Allocation write lost a race (attempt %d of %d)',
                      number + 1, retries + 1)
    raise exception.ConcurrentUpdateDetected(
        'Inventory and/or allocations changed while attempting to '
        'allocate: another request wrote to the same resource provider or '
        'consumer. Please retry your update.')


@db_api.retry_on_deadlock
@db_api.writer
def _replace_once(ctx, conn, writes):
    apply_writes(ctx, conn, writes)


def replace(ctx, writes):
    """Replace the allocations of the consumers in ``writes`` atomically:
    all of them or none. Must not be called inside a transaction of
    ``ctx``: each attempt is a transaction of its own."""
    writes = list(writes)
    return retrying(ctx, lambda c: _replace_once(c, writes))


@db_api.retry_on_deadlock
@db_api.writer
def delete_consumer(ctx, conn, consumer_uuid):
    """Remove all allocations of ``consumer_uuid`` and the consumer.

    :raises ConsumerNotFound: it has no allocations.
    """
    consumer = consumer_obj.find(conn, consumer_uuid, lock=True)
    deleted = conn.execute(_alloc.delete().where(
        _alloc.c.consumer_id == consumer_uuid)).rowcount
    if consumer is not None:
        consumer_obj.delete(conn, [consumer.id])
    if not deleted:
        raise exception.ConsumerNotFound(uuid=consumer_uuid)


@dataclasses.dataclass(frozen=True)
class ConsumerAllocations:
    """What GET /allocations/{consumer_uuid} shows."""
    consumer: consumer_obj.Consumer | None
    # {provider uuid: {'generation': int, 'resources': {class: amount}}}
    allocations: dict
    timestamps: list


def _by_class_names(conn, rows):
    return rc_obj.names_for_ids(conn, {row.resource_class_id
                                       for row in rows})


@db_api.reader
def get_for_consumer(ctx, conn, consumer_uuid):
    rows = conn.execute(
        sa.select(_alloc.c.resource_class_id, _alloc.c.used,
                  _alloc.c.created_at, _alloc.c.updated_at,
                  _rp.c.uuid, _rp.c.generation)
        .select_from(_alloc.join(
            _rp, _rp.c.id == _alloc.c.resource_provider_id))
        .where(_alloc.c.consumer_id == consumer_uuid)
        .order_by(_alloc.c.id)).all()
    names = _by_class_names(conn, rows)
    allocations = {}
    for row in rows:
        entry = allocations.setdefault(
            row.uuid, {'resources': {}, 'generation': row.generation})
        entry['resources'][names[row.resource_class_id]] = row.used
    consumer = consumer_obj.find(conn, consumer_uuid) if rows else None
    stamps = [t for row in rows for t in (row.created_at, row.updated_at)]
    return ConsumerAllocations(consumer, allocations, stamps)


@dataclasses.dataclass(frozen=True)
class ProviderAllocations:
    """What GET /resource_providers/{uuid}/allocations shows."""
    generation: int
    # {consumer uuid: {class name: amount}}
    allocations: dict
    timestamps: list
    # {consumer uuid: consumer generation}, for consumers with a record
    consumer_generations: dict


@db_api.reader
def get_for_provider(ctx, conn, rp_uuid):
    """The allocations on provider ``rp_uuid``, read in the same
    transaction as its generation.

    :raises ResourceProviderNotFound:
    """
    provider = resource_provider.get_by_uuid(conn, rp_uuid)
    consumers = tables.consumers
    rows = conn.execute(
        sa.select(_alloc.c.consumer_id, _alloc.c.resource_class_id,
                  _alloc.c.used, _alloc.c.created_at, _alloc.c.updated_at,
                  consumers.c.generation.label('consumer_generation'))
        .select_from(_alloc.outerjoin(
            consumers, consumers.c.uuid == _alloc.c.consumer_id))
        .where(_alloc.c.resource_provider_id == provider.id)
        .order_by(_alloc.c.id)).all()
    names = _by_class_names(conn, rows)
    allocations = {}
    generations = {}
    for row in rows:
        resources = allocations.setdefault(row.consumer_id, {})
        resources[names[row.resource_class_id]] = row.used
        if row.consumer_generation is not None:
            generations[row.consumer_id] = row.consumer_generation
    stamps = [t for row in rows for t in (row.created_at, row.updated_at)]
    return ProviderAllocations(provider.generation, allocations, stamps,
                               generations)
