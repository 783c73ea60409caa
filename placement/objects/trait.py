"""Traits: name -> id lookups (and, below, their CRUD)."""
import sqlalchemy as sa

from placement.db import tables
from placement import exception


def ids_for_names(conn, names):
    """{name: id} for ``names``; TraitNotFound lists every unknown one."""
    names = set(names)
    if not names:
        return {}
    rows = conn.execute(
        sa.select(tables.traits.c.name, tables.traits.c.id)
        .where(tables.traits.c.name.in_(sorted(names))))
    found = dict(rows.all())
    missing = names - set(found)
    if missing:
        raise exception.TraitNotFound(names=', '.join(sorted(missing)))
    return found
