"""Aggregates: groups of providers, named by uuid.

An aggregate exists as soon as a provider is put in it; nothing else is
known about it.
"""
import uuid as uuid_lib

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from placement.db import api as db_api
from placement.db import tables
from placement import exception
from placement.objects import generation

_agg = tables.placement_aggregates
_rp_agg = tables.resource_provider_aggregates
_rp = tables.resource_providers
_UUID_LENGTH = _agg.c.uuid.type.length


def _storable(value):
    """``value`` as stored: as given, unless it is one of the longer
    spellings of a uuid the API accepts ({...}, urn:uuid:..., extra
    dashes), which the column cannot hold; those are stored canonical."""
    if len(value) <= _UUID_LENGTH:
        return value
    return str(uuid_lib.UUID(value))


def insert_ignoring_duplicates(conn, table, rows):
    """Insert ``rows`` (a list of dicts, or one dict) into ``table``,
    skipping rows that would violate a unique constraint (a concurrent
    writer may add the same row). Returns how many rows were inserted
    (reliable for one row)."""
    if not rows:
        return 0
    dialect = conn.dialect.name
    if dialect == 'postgresql':
        stmt = postgresql.insert(table).on_conflict_do_nothing()
    elif dialect == 'sqlite':
        stmt = sqlite.insert(table).on_conflict_do_nothing()
    else:
        stmt = table.insert().prefix_with('IGNORE')
    return conn.execute(stmt, rows).rowcount


def ids_for_uuids(conn, uuids):
    """{uuid: id} of the known aggregates among ``uuids``."""
    uuids = sorted(set(uuids))
    if not uuids:
        return {}
    rows = conn.execute(sa.select(_agg.c.uuid, _agg.c.id)
                        .where(_agg.c.uuid.in_(uuids)))
    return dict(rows.all())


def _ensure(conn, uuids):
    """{uuid: id} of ``uuids``, creating the aggregates that are new."""
    known = ids_for_uuids(conn, uuids)
    # In the order given: a provider's aggregates are listed by id, which
    # is the order a client first named them, as in OpenStack Placement.
    insert_ignoring_duplicates(
        conn, _agg, [{'uuid': u} for u in dict.fromkeys(uuids)
                     if u not in known])
    return ids_for_uuids(conn, uuids)


@db_api.reader
def list_for_provider(ctx, conn, rp_id):
    """The uuids of the aggregates of provider ``rp_id``, in aggregate id
    order (as upstream lists them)."""
    rows = conn.execute(
        sa.select(_agg.c.uuid)
        .select_from(_rp_agg.join(_agg, _agg.c.id == _rp_agg.c.aggregate_id))
        .where(_rp_agg.c.resource_provider_id == rp_id)
        .order_by(_agg.c.id))
    return [row[0] for row in rows]


@db_api.retry_on_deadlock
@db_api.writer
def set_for_provider(ctx, conn, rp, uuids, expected_generation=None):
    """Make ``uuids`` the aggregates of provider ``rp``.

    With ``expected_generation`` the provider generation is checked and
    bumped (ConcurrentUpdateDetected if it moved); without it (microversions
    before 1.19) it is left alone. Returns the provider generation after
    the change.
    """
    if expected_generation is not None:
        new_generation = generation.bump_provider(conn, rp.id,
                                                  expected_generation)
    else:
        # No generation to guard with: at least keep a concurrent delete
        # of the provider out until we are done.
        row = conn.execute(
            sa.select(_rp.c.generation).where(_rp.c.id == rp.id)
            .with_for_update()).first()
        if row is None:
            raise exception.ResourceProviderNotFound(uuid=rp.uuid)
        new_generation = row[0]
    wanted = _ensure(conn, [_storable(u) for u in uuids])
    current = {row[0] for row in conn.execute(
        sa.select(_rp_agg.c.aggregate_id)
        .where(_rp_agg.c.resource_provider_id == rp.id))}
    stale = current - set(wanted.values())
    if stale:
        conn.execute(_rp_agg.delete().where(
            _rp_agg.c.resource_provider_id == rp.id,
            _rp_agg.c.aggregate_id.in_(sorted(stale))))
    insert_ignoring_duplicates(conn, _rp_agg, [
        {'resource_provider_id': rp.id, 'aggregate_id': agg_id}
        for agg_id in sorted(set(wanted.values()) - current)])
    return new_generation
