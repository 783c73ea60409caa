"""Resource classes: name <-> id lookups and, below, their CRUD.

Standard classes have fixed ids (their index in os-resource-classes'
STANDARDS), so they are resolved without the database. Custom classes are
looked up every time, in one query per request: a per-process cache could
go stale when another worker deletes and recreates a class.
"""
import dataclasses
import datetime

import os_resource_classes as orc
from oslo_db import exception as db_exc
import sqlalchemy as sa

from placement.db import api as db_api
from placement.db import standard
from placement.db import tables
from placement import exception

_rc = tables.resource_classes
_STANDARD_IDS = {name: index for index, name in enumerate(orc.STANDARDS)}
_STANDARD_NAMES = dict(enumerate(orc.STANDARDS))


def is_custom(name):
    return name.startswith(orc.CUSTOM_NAMESPACE)


def _lookup(conn, keys, standard, key_column, value_column):
    """{key: value} for ``keys``: standard classes from ``standard``, the
    custom ones in one query (unknown keys are left out)."""
    found = {}
    custom = set()
    for key in keys:
        if key in standard:
            found[key] = standard[key]
        else:
            custom.add(key)
    if custom:
        found.update(conn.execute(
            sa.select(key_column, value_column)
            .where(key_column.in_(sorted(custom)))).all())
    return found


def ids_for_names(conn, names):
    """{name: id} for ``names``; ResourceClassNotFound names the first
    unknown class."""
    found = _lookup(conn, names, _STANDARD_IDS,
                    _rc.c.name,
                    _rc.c.id)
    for name in names:
        if name not in found:
            raise exception.ResourceClassNotFound(name=name)
    return found


def id_for_name(conn, name):
    return ids_for_names(conn, [name])[name]


def names_for_ids(conn, ids):
    """{id: name} for ``ids`` (unknown ids are left out)."""
    return _lookup(conn, ids, _STANDARD_NAMES,
                   _rc.c.id,
                   _rc.c.name)


def is_standard_id(rc_id):
    return rc_id < standard.CUSTOM_RC_ID_OFFSET


def lock_ids_for_names(conn, names):
    """Like ids_for_names, and keep the custom classes found from being
    deleted until the transaction ends.

    Writers that make a class referenced (inventories) call this so that
    a concurrent delete of the class either waits for them, then sees the
    reference, or commits first, and then the class is not found here.
    """
    found = ids_for_names(conn, names)
    custom_ids = sorted(rc_id for rc_id in found.values()
                        if not is_standard_id(rc_id))
    if custom_ids:
        locked = set(conn.scalars(
            sa.select(_rc.c.id).where(_rc.c.id.in_(custom_ids))
            .with_for_update(read=True)))
        for name in names:
            if found[name] not in locked and name not in _STANDARD_IDS:
                raise exception.ResourceClassNotFound(name=name)
    return found


# CRUD of the classes themselves. Standard classes are rows too (synced
# from os-resource-classes), so listing reads the table.

# Attempts at a new custom class id before giving up; each failed attempt
# means another writer just took the id we computed.
_MAX_ID_ATTEMPTS = 50


@dataclasses.dataclass(frozen=True)
class ResourceClass:
    id: int
    name: str
    created_at: datetime.datetime
    updated_at: datetime.datetime | None


def _select():
    return sa.select(_rc.c.id, _rc.c.name, _rc.c.created_at,
                     _rc.c.updated_at)


def _get(conn, name):
    row = conn.execute(_select().where(_rc.c.name == name)).mappings().first()
    if row is None:
        raise exception.ResourceClassNotFound(name=name)
    return ResourceClass(**row)


@db_api.reader
def get_all(ctx, conn):
    """Every class, standard ones first, in id order."""
    rows = conn.execute(_select().order_by(_rc.c.id)).mappings()
    return [ResourceClass(**row) for row in rows]


@db_api.reader
def get_by_name(ctx, conn, name):
    """The class ``name`` or ResourceClassNotFound."""
    return _get(conn, name)


def _next_custom_id(conn):
    highest = conn.execute(
        sa.select(sa.func.max(_rc.c.id))
        .where(_rc.c.id >= standard.CUSTOM_RC_ID_OFFSET)).scalar()
    return standard.CUSTOM_RC_ID_OFFSET if highest is None else highest + 1


def _name_taken(conn, name):
    return conn.execute(
        sa.select(_rc.c.id).where(_rc.c.name == name)).first() is not None


def _insert_custom(conn, name):
    """Insert the custom class ``name`` with the next free id.

    Two writers may compute the same id; the loser's insert fails on the
    primary key (on PostgreSQL and MySQL after waiting for the winner to
    commit), is rolled back to its savepoint and tries the next id, which
    it now sees because each statement reads the latest committed data.
    """
    for _attempt in range(_MAX_ID_ATTEMPTS):
        if _name_taken(conn, name):
            raise exception.ResourceClassExists(name=name)
        try:
            with conn.begin_nested():
                conn.execute(_rc.insert().values(
                    id=_next_custom_id(conn), name=name))
        except (db_exc.DBDuplicateEntry, sa.exc.IntegrityError):
            continue
        return _get(conn, name)
    # Endless contention: let the transaction-level retry start over.
    raise db_exc.DBDeadlock()


@db_api.retry_on_deadlock
@db_api.writer
def create(ctx, conn, name):
    """Create the custom class ``name``; ResourceClassExists if it is
    taken."""
    return _insert_custom(conn, name)


@db_api.retry_on_deadlock
@db_api.writer
def ensure(ctx, conn, name):
    """The custom class ``name``, created if missing: (class, created)."""
    try:
        return _get(conn, name), False
    except exception.ResourceClassNotFound:
        pass
    try:
        return _insert_custom(conn, name), True
    except exception.ResourceClassExists:
        # Another writer created it between our two statements.
        return _get(conn, name), False


@db_api.writer
def _rename(ctx, conn, name, new_name):
    if name in _STANDARD_IDS:
        raise exception.ResourceClassCannotUpdateStandard(name=name)
    current = _get(conn, name)
    if is_standard_id(current.id):
        raise exception.ResourceClassCannotUpdateStandard(name=name)
    if new_name != name and _name_taken(conn, new_name):
        raise exception.ResourceClassExists(name=new_name)
    conn.execute(_rc.update().where(_rc.c.id == current.id)
                 .values(name=new_name))
    return _get(conn, new_name)


@db_api.retry_on_deadlock
def rename(ctx, name, new_name):
    """Rename the custom class ``name`` (its id, and so its inventories
    and allocations, stay)."""
    try:
        return _rename(ctx, name, new_name)
    except db_exc.DBDuplicateEntry:
        # Taken by a writer that committed after our check.
        raise exception.ResourceClassExists(name=new_name)


def _in_use(conn, rc_id):
    for table in (tables.inventories, tables.allocations):
        if conn.execute(sa.select(table.c.id)
                        .where(table.c.resource_class_id == rc_id)
                        .limit(1)).first() is not None:
            return True
    return False


@db_api.retry_on_deadlock
@db_api.writer
def delete(ctx, conn, name):
    """Delete the custom class ``name``, unless standard, unknown, or
    referenced by an inventory or allocation."""
    if name in _STANDARD_IDS:
        raise exception.ResourceClassCannotDeleteStandard(name=name)
    current = _get(conn, name)
    if is_standard_id(current.id):
        # A standard class of a newer os-resource-classes than ours.
        raise exception.ResourceClassCannotDeleteStandard(name=name)
    # Delete first: the row lock makes inventory writers that lock the
    # class (lock_ids_for_names) wait, so the check below sees their rows.
    conn.execute(_rc.delete().where(_rc.c.id == current.id))
    if _in_use(conn, current.id):
        raise exception.ResourceClassInUse(name=name)
