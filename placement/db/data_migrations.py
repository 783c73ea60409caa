"""Data fixes that old databases may need: the online data migrations of
``placement-manage db online_data_migrations``, also applied when an
upstream database is taken over (placement.db.takeover).

Each migration is ``fn(conn, limit, conf)`` -> (found, done): how many
records needed the fix when it started (up to ``limit``, None for all) and
how many it fixed. Running one again finds what is left.
"""
from oslo_db import exception as db_exc
import sqlalchemy as sa

from placement.conf import placement as placement_opts
from placement.db import tables

_rp = tables.resource_providers


def set_root_provider_ids(conn, limit=None, conf=None):
    """Providers written before nested providers existed have no root:
    a provider without a parent is its own root, a child has its parent's
    root."""
    missing = sa.select(_rp.c.id).where(_rp.c.root_provider_id.is_(None)
                                        ).order_by(_rp.c.id)
    if limit is not None:
        missing = missing.limit(limit)
    ids = list(conn.scalars(missing))
    if not ids:
        return 0, 0
    parents = {rp_id: parent for rp_id, parent in conn.execute(
        sa.select(_rp.c.id, _rp.c.parent_provider_id))}
    roots = []
    for rp_id in ids:
        root, seen = rp_id, {rp_id}
        while parents.get(root) is not None and parents[root] not in seen:
            root = parents[root]
            seen.add(root)
        roots.append({'b_id': rp_id, 'b_root': root})
    # One executemany, not a statement per provider.
    conn.execute(_rp.update().where(_rp.c.id == sa.bindparam('b_id'))
                 .values(root_provider_id=sa.bindparam('b_root')), roots)
    return len(ids), len(ids)


def _consumerless_allocations():
    alloc, consumers = tables.allocations, tables.consumers
    return (sa.select(alloc.c.consumer_id).distinct()
            .select_from(alloc.outerjoin(
                consumers, consumers.c.uuid == alloc.c.consumer_id))
            .where(consumers.c.id.is_(None)))


def count_incomplete_consumers(conn):
    """Consumers that have allocations but no consumer record."""
    return conn.scalar(sa.select(sa.func.count()).select_from(
        _consumerless_allocations().subquery()))


def create_incomplete_consumers(conn, limit=None, conf=None):
    """Allocations written before microversion 1.8 may have no consumer
    record: create one owned by the configured placeholder project and
    user (``[placement] incomplete_consumer_project_id`` / ``_user_id``),
    at generation 0."""
    # Imported here: the object layer imports placement.db.api, which
    # imports the migration code that imports this module.
    from placement.objects import consumer as consumer_obj

    query = _consumerless_allocations().order_by(
        tables.allocations.c.consumer_id)
    if limit is not None:
        query = query.limit(limit)
    uuids = list(conn.scalars(query))
    if not uuids:
        return 0, 0
    project, user = _placeholder_owner(conf)
    owner = {'project_id': consumer_obj.project_id_for(conn, project),
             'user_id': consumer_obj.user_id_for(conn, user),
             'generation': 0}
    rows = [dict(owner, uuid=uuid) for uuid in uuids]
    try:
        with conn.begin_nested():
            conn.execute(tables.consumers.insert(), rows)
        return len(rows), len(rows)
    except (db_exc.DBDuplicateEntry, sa.exc.IntegrityError):
        # (IntegrityError: on an engine that oslo.db did not create.)
        pass
    # An allocation write created some of them meanwhile: one at a time.
    done = 0
    for row in rows:
        try:
            with conn.begin_nested():
                conn.execute(tables.consumers.insert().values(**row))
            done += 1
        except (db_exc.DBDuplicateEntry, sa.exc.IntegrityError):
            pass
    return len(rows), done


def _placeholder_owner(conf):
    if conf is None:
        missing = placement_opts.DEFAULT_CONSUMER_MISSING_ID
        return missing, missing
    return (conf.placement.incomplete_consumer_project_id,
            conf.placement.incomplete_consumer_user_id)


# Upstream's names, in the order they run.
ONLINE_MIGRATIONS = (
    ('set_root_provider_ids', set_root_provider_ids),
    ('create_incomplete_consumers', create_incomplete_consumers),
)
