"""Keep the standard resource classes and traits in the database.

Standard names come from os-resource-classes and os-traits. A standard
resource class keeps the id of its position in os_resource_classes.STANDARDS
so that ids never depend on the order rows were written; custom classes get
ids from CUSTOM_RC_ID_OFFSET up.
"""
from oslo_db import exception as db_exc
import os_resource_classes as orc
import os_traits
import sqlalchemy as sa

from placement.db import tables

CUSTOM_RC_ID_OFFSET = 10000


def _insert_missing(conn, table, rows):
    """Insert the rows whose name is not present yet. Concurrent syncs are
    harmless: a row another process inserted first is skipped."""
    present = set(conn.scalars(sa.select(table.c.name)))
    for row in rows:
        if row['name'] in present:
            continue
        try:
            with conn.begin_nested():
                conn.execute(table.insert().values(**row))
        except (sa.exc.IntegrityError, db_exc.DBDuplicateEntry):
            pass


def sync(conn):
    _insert_missing(conn, tables.resource_classes,
                    [{'id': index, 'name': name}
                     for index, name in enumerate(orc.STANDARDS)])
    _insert_missing(conn, tables.traits,
                    [{'name': name} for name in sorted(os_traits.get_traits())])
