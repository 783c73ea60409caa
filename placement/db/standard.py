"""Keep the standard resource classes and traits in the database.

Standard names come from os-resource-classes and os-traits. A standard
resource class keeps the id of its position in os_resource_classes.STANDARDS
so that ids never depend on the order rows were written; custom classes get
ids from CUSTOM_RC_ID_OFFSET up.
"""
import contextlib

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


@contextlib.contextmanager
def _explicit_zero_ids(conn):
    """MySQL takes an id of 0 for "generate one" in an AUTO_INCREMENT
    column, which resource_classes.id is in a database upstream created:
    VCPU's id 0 must be stored as given."""
    if conn.dialect.name != 'mysql':
        yield
        return
    mode = conn.scalar(sa.text('SELECT @@SESSION.sql_mode'))
    conn.execute(sa.text("SET SESSION sql_mode = "
                         "CONCAT_WS(',', @@SESSION.sql_mode, "
                         "'NO_AUTO_VALUE_ON_ZERO')"))
    try:
        yield
    finally:
        conn.execute(sa.text('SET SESSION sql_mode = :mode'), {'mode': mode})


def sync(conn):
    with _explicit_zero_ids(conn):
        _insert_missing(conn, tables.resource_classes,
                        [{'id': index, 'name': name}
                         for index, name in enumerate(orc.STANDARDS)])
    _insert_missing(conn, tables.traits,
                    [{'name': name} for name in sorted(os_traits.get_traits())])
