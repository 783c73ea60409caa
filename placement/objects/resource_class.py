"""Resource classes: name <-> id lookups (and, below, their CRUD).

Standard classes have fixed ids (their index in os-resource-classes'
STANDARDS), so they are resolved without the database. Custom classes are
looked up every time, in one query per request: a per-process cache could
go stale when another worker deletes and recreates a class.
"""
import os_resource_classes as orc
import sqlalchemy as sa

from placement.db import standard
from placement.db import tables
from placement import exception

_STANDARD_IDS = {name: index for index, name in enumerate(orc.STANDARDS)}
_STANDARD_NAMES = dict(enumerate(orc.STANDARDS))


def is_custom(name):
    return name.startswith(orc.CUSTOM_NAMESPACE)


def ids_for_names(conn, names):
    """{name: id} for ``names``; ResourceClassNotFound names the first
    unknown class."""
    found = {}
    custom = set()
    for name in names:
        if name in _STANDARD_IDS:
            found[name] = _STANDARD_IDS[name]
        else:
            custom.add(name)
    if custom:
        rows = conn.execute(
            sa.select(tables.resource_classes.c.name,
                      tables.resource_classes.c.id)
            .where(tables.resource_classes.c.name.in_(sorted(custom))))
        found.update(rows.all())
    for name in names:
        if name not in found:
            raise exception.ResourceClassNotFound(name=name)
    return found


def id_for_name(conn, name):
    return ids_for_names(conn, [name])[name]


def names_for_ids(conn, ids):
    """{id: name} for ``ids`` (unknown ids are left out)."""
    found = {}
    custom = set()
    for rc_id in ids:
        if rc_id in _STANDARD_NAMES:
            found[rc_id] = _STANDARD_NAMES[rc_id]
        else:
            custom.add(rc_id)
    if custom:
        rows = conn.execute(
            sa.select(tables.resource_classes.c.id,
                      tables.resource_classes.c.name)
            .where(tables.resource_classes.c.id.in_(sorted(custom))))
        found.update(rows.all())
    return found


def is_standard_id(rc_id):
    return rc_id < standard.CUSTOM_RC_ID_OFFSET
