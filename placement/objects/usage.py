"""Usages: the sums of allocations, per provider or per project/user."""
import collections

import sqlalchemy as sa

from placement.db import api as db_api
from placement.db import tables
from placement.objects import resource_class as rc_obj
from placement.objects import resource_provider

_alloc = tables.allocations
_inv = tables.inventories
_consumers = tables.consumers
_projects = tables.projects
_users = tables.users
_types = tables.consumer_types

# Keys of GET /usages from 1.38: every consumer, and those without a type.
ALL = 'all'
UNKNOWN = 'unknown'


@db_api.reader
def for_provider(ctx, conn, rp_uuid):
    """(generation, {class name: amount used}) of provider ``rp_uuid``:
    every class it has inventory of (0 when unused), and any class still
    allocated without inventory.

    :raises ResourceProviderNotFound:
    """
    provider = resource_provider.get_by_uuid(conn, rp_uuid)
    rp_id, generation = provider.id, provider.generation
    used = dict(conn.execute(
        sa.select(_alloc.c.resource_class_id, sa.func.sum(_alloc.c.used))
        .where(_alloc.c.resource_provider_id == rp_id)
        .group_by(_alloc.c.resource_class_id)).all())
    classes = set(conn.scalars(
        sa.select(_inv.c.resource_class_id)
        .where(_inv.c.resource_provider_id == rp_id)))
    classes.update(used)
    names = rc_obj.names_for_ids(conn, classes)
    return generation, {names[rc_id]: int(used.get(rc_id) or 0)
                        for rc_id in sorted(classes) if rc_id in names}


def _owned_by(query, project_id, user_id):
    query = query.where(_projects.c.external_id == project_id)
    if user_id is not None:
        query = query.where(_users.c.external_id == user_id)
    return query


def _consumers_joined():
    return (_alloc
            .join(_consumers, _consumers.c.uuid == _alloc.c.consumer_id)
            .join(_projects, _projects.c.id == _consumers.c.project_id)
            .join(_users, _users.c.id == _consumers.c.user_id))


@db_api.reader
def for_project(ctx, conn, project_id, user_id=None):
    """{class name: amount} allocated to the consumers of a project (and
    user)."""
    rows = conn.execute(_owned_by(
        sa.select(_alloc.c.resource_class_id, sa.func.sum(_alloc.c.used))
        .select_from(_consumers_joined())
        .group_by(_alloc.c.resource_class_id),
        project_id, user_id)).all()
    names = rc_obj.names_for_ids(conn, {rc_id for rc_id, _used in rows})
    return {names[rc_id]: int(used) for rc_id, used in rows
            if rc_id in names}


@db_api.reader
def for_project_by_type(ctx, conn, project_id, user_id=None,
                        consumer_type=None):
    """Usage of a project (and user) grouped by consumer type:
    {type name: {'consumer_count': n, class name: amount}}.

    Consumers without a type are grouped under 'unknown'. ``consumer_type``
    keeps one group: a type name, 'unknown', or 'all' (every consumer under
    the single key 'all').
    """
    joined = _consumers_joined().outerjoin(
        _types, _types.c.id == _consumers.c.consumer_type_id)

    def grouped(*columns):
        query = _owned_by(sa.select(_types.c.name, *columns)
                          .select_from(joined), project_id, user_id)
        if consumer_type == UNKNOWN:
            query = query.where(_consumers.c.consumer_type_id.is_(None))
        elif consumer_type not in (None, ALL):
            query = query.where(_types.c.name == consumer_type)
        return query.group_by(_types.c.name, *columns[:-1])

    sums = conn.execute(grouped(_alloc.c.resource_class_id, _types.c.id,
                                sa.func.sum(_alloc.c.used))).all()
    counts = conn.execute(grouped(
        sa.func.count(sa.distinct(_consumers.c.id)))).all()
    names = rc_obj.names_for_ids(conn, {row[1] for row in sums})
    # Upstream lists the types in the order of its rows grouped by class
    # and type id (untyped first): the type of the smallest class first.
    sums.sort(key=lambda row: (row[1], row[2] is not None, row[2] or 0))

    def key(type_name):
        # A consumer has one type, so the groups add up to 'all'.
        if consumer_type == ALL:
            return ALL
        return UNKNOWN if type_name is None else type_name

    amounts = collections.defaultdict(collections.Counter)
    consumers = collections.Counter()
    for type_name, count in counts:
        consumers[key(type_name)] += int(count)
    for type_name, rc_id, _type_id, used in sums:
        if rc_id in names:
            amounts[key(type_name)][names[rc_id]] += int(used)
    usages = {}
    for name in list(amounts) + [n for n in consumers if n not in amounts]:
        # Keys in OpenStack Placement's order: the first class,
        # consumer_count, the other classes.
        classes = list(amounts[name].items())
        usages[name] = dict(classes[:1] + [('consumer_count',
                                            consumers[name])] + classes[1:])
    return usages
