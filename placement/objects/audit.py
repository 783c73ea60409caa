"""What is inconsistent in a placement database (placement-manage audit).

Each check is one set-based statement over all rows; the tree check adds a
walk of the (id, parent) pairs in Python, because a parent cycle cannot be
found by comparing a row with its direct parent only. Nothing here writes
except ``delete_empty_consumers``.

Findings, by kind:

``usage_above_capacity``
    a (provider, class) whose allocations sum to more than its capacity,
    (total - reserved) * allocation_ratio: inventory was shrunk below what
    is allocated (upstream allows that when the inventory update is forced
    or the allocations came first).
``allocation_without_inventory``
    allocations of a class the provider has no inventory of (inventory
    deleted under allocations, or rows written behind the API's back).
``consumer_without_allocations``
    a consumer row that nothing is allocated to: it keeps a project, user
    and generation alive for no one. ``--fix-empty-consumers`` deletes them.
``broken_tree``
    a provider whose root or parent chain is broken: no root, a root or
    parent that does not exist, a root that is not itself a root, a root
    different from its parent's, a parentless provider that is not its own
    root, or a parent chain that loops.
``unused_aggregate``
    an aggregate uuid no provider is a member of (the API never deletes
    these rows; they pile up as members leave).
``unused_trait``
    a CUSTOM_ trait no provider has. Standard traits are never reported:
    they are the os-traits catalog, which ``db sync`` and every service
    start put back, so an unused standard trait is expected, not a leak.
``unused_resource_class``
    a CUSTOM_ resource class no inventory and no allocation uses; standard
    classes are skipped for the same reason as standard traits.
"""
import sqlalchemy as sa

from placement.db import standard
from placement.db import tables
from placement.objects import inventory

_rp = tables.resource_providers
_inv = tables.inventories
_alloc = tables.allocations
_rc = tables.resource_classes
_traits = tables.traits
_rpt = tables.resource_provider_traits
_rpa = tables.resource_provider_aggregates
_aggs = tables.placement_aggregates
_consumers = tables.consumers

_CAPACITY = inventory.CAPACITY


def _usage():
    return (sa.select(_alloc.c.resource_provider_id,
                      _alloc.c.resource_class_id,
                      sa.func.sum(_alloc.c.used).label('used'),
                      sa.func.count(sa.distinct(_alloc.c.consumer_id))
                      .label('consumers'))
            .group_by(_alloc.c.resource_provider_id,
                      _alloc.c.resource_class_id).subquery('usage'))


def usage_above_capacity(conn):
    usage = _usage()
    rows = conn.execute(
        sa.select(_rp.c.uuid, _rc.c.name, usage.c.used, _CAPACITY)
        .select_from(
            usage.join(_inv, sa.and_(
                _inv.c.resource_provider_id == usage.c.resource_provider_id,
                _inv.c.resource_class_id == usage.c.resource_class_id))
            .join(_rp, _rp.c.id == usage.c.resource_provider_id)
            .outerjoin(_rc, _rc.c.id == usage.c.resource_class_id))
        .where(usage.c.used > _CAPACITY)
        .order_by(_rp.c.uuid, _rc.c.name)).all()
    return [{'resource_provider': rp_uuid, 'resource_class': name,
             'used': int(used), 'capacity': int(capacity),
             'over_by': int(used) - int(capacity)}
            for rp_uuid, name, used, capacity in rows]


def allocation_without_inventory(conn):
    usage = _usage()
    no_inventory = ~sa.exists().where(
        _inv.c.resource_provider_id == usage.c.resource_provider_id,
        _inv.c.resource_class_id == usage.c.resource_class_id)
    # Allocations reference neither table by foreign key: a row that is
    # gone is named by its id.
    rp_name = sa.func.coalesce(_rp.c.uuid, sa.cast(
        usage.c.resource_provider_id, sa.String(20)))
    rc_name = sa.func.coalesce(_rc.c.name, sa.cast(
        usage.c.resource_class_id, sa.String(20)))
    rows = conn.execute(
        sa.select(rp_name, rc_name, usage.c.used, usage.c.consumers)
        .select_from(
            usage.outerjoin(_rp, _rp.c.id == usage.c.resource_provider_id)
            .outerjoin(_rc, _rc.c.id == usage.c.resource_class_id))
        .where(no_inventory)
        .order_by(rp_name, rc_name)).all()
    return [{'resource_provider': rp_uuid, 'resource_class': name,
             'used': int(used), 'consumers': int(consumers)}
            for rp_uuid, name, used, consumers in rows]


def _empty_consumer_condition():
    return ~sa.exists().where(_alloc.c.consumer_id == _consumers.c.uuid)


def consumer_without_allocations(conn):
    rows = conn.execute(
        sa.select(_consumers.c.uuid, _consumers.c.generation)
        .where(_empty_consumer_condition())
        .order_by(_consumers.c.uuid)).all()
    return [{'consumer': uuid, 'generation': generation}
            for uuid, generation in rows]


def delete_empty_consumers(conn):
    """Delete the consumers without allocations; the condition is checked
    again by the DELETE itself, so a consumer that got an allocation since
    it was reported stays. Returns how many went."""
    return conn.execute(
        _consumers.delete().where(_empty_consumer_condition())).rowcount


def _tree_problems(rows):
    """{provider id: reason} for (id, parent id, root id, parent exists,
    root exists, root's parent id, root's root id, parent's root id)."""
    problems = {}
    parent_of = {}
    for (rp_id, parent_id, root_id, parent_found, root_found, root_parent,
         root_root, parent_root) in rows:
        parent_of[rp_id] = parent_id
        if root_id is None:
            problems[rp_id] = 'no root provider'
        elif not root_found:
            problems[rp_id] = 'root provider %s does not exist' % root_id
        elif parent_id is not None and not parent_found:
            problems[rp_id] = 'parent provider %s does not exist' % parent_id
        elif parent_id is None and root_id != rp_id:
            problems[rp_id] = 'has no parent but is not its own root'
        elif root_parent is not None or root_root != root_id:
            problems[rp_id] = 'its root provider is not a root'
        elif parent_id is not None and parent_root != root_id:
            problems[rp_id] = "its root differs from its parent's"
    # A chain that loops never reaches a parentless provider.
    reaches_root = {}
    for start in parent_of:
        path = []
        seen = set()
        node = start
        while (node is not None and node not in reaches_root and
               node not in seen and node in parent_of):
            seen.add(node)
            path.append(node)
            node = parent_of[node]
        if node is None:
            ok = True
        elif node in reaches_root:
            ok = reaches_root[node]
        else:  # a loop, or a parent that does not exist
            ok = node not in seen
        for member in path:
            reaches_root[member] = ok
    for rp_id, ok in reaches_root.items():
        if not ok:
            problems.setdefault(rp_id, 'its parent chain loops')
    return problems


def broken_tree(conn):
    parent = _rp.alias('parent')
    root = _rp.alias('root')
    rows = conn.execute(
        sa.select(_rp.c.id, _rp.c.parent_provider_id,
                  _rp.c.root_provider_id, parent.c.id.is_not(None),
                  root.c.id.is_not(None), root.c.parent_provider_id,
                  root.c.root_provider_id, parent.c.root_provider_id)
        .select_from(
            _rp.outerjoin(parent, parent.c.id == _rp.c.parent_provider_id)
            .outerjoin(root, root.c.id == _rp.c.root_provider_id))).all()
    problems = _tree_problems(rows)
    if not problems:
        return []
    uuid_of = dict(conn.execute(
        sa.select(_rp.c.id, _rp.c.uuid)
        .where(_rp.c.id.in_(sorted(problems)))).all())
    return sorted(({'resource_provider': uuid_of[rp_id], 'problem': reason}
                   for rp_id, reason in problems.items()),
                  key=lambda f: f['resource_provider'])


def unused_aggregate(conn):
    rows = conn.execute(
        sa.select(_aggs.c.uuid)
        .where(~sa.exists().where(_rpa.c.aggregate_id == _aggs.c.id))
        .order_by(_aggs.c.uuid)).scalars().all()
    return [{'aggregate': uuid} for uuid in rows]


def unused_trait(conn):
    rows = conn.execute(
        sa.select(_traits.c.name)
        .where(_traits.c.name.like('CUSTOM\\_%', escape='\\'),
               ~sa.exists().where(_rpt.c.trait_id == _traits.c.id))
        .order_by(_traits.c.name)).scalars().all()
    return [{'trait': name} for name in rows]


def unused_resource_class(conn):
    rows = conn.execute(
        sa.select(_rc.c.name)
        .where(_rc.c.id >= standard.CUSTOM_RC_ID_OFFSET,
               ~sa.exists().where(_inv.c.resource_class_id == _rc.c.id),
               ~sa.exists().where(_alloc.c.resource_class_id == _rc.c.id))
        .order_by(_rc.c.name)).scalars().all()
    return [{'resource_class': name} for name in rows]


CHECKS = {check.__name__: check for check in (
    usage_above_capacity, allocation_without_inventory,
    consumer_without_allocations, broken_tree, unused_aggregate,
    unused_trait, unused_resource_class)}


def audit(conn):
    """{kind: [finding]} for every check, in the order of CHECKS."""
    return {kind: check(conn) for kind, check in CHECKS.items()}
