"""Direct-to-database data builders for tests.

They insert rows with plain SQL so that a test of one resource does not
depend on the API of another; use the HTTP API instead when the point of
the test is that API. Every function takes a Database (the ``db``
fixture) and commits its own transaction.
"""
import uuid as uuid_lib

import sqlalchemy as sa

from placement.db import standard
from placement.db import tables
from placement.objects import resource_class
from placement.objects import resource_provider


def new_uuid():
    return str(uuid_lib.uuid4())


def create_provider(db, name, uuid=None, parent=None):
    """Create a provider (under ``parent``, a ResourceProvider) and return
    it as a ResourceProvider."""
    uuid = uuid or new_uuid()
    with db.engine.begin() as conn:
        values = {'uuid': uuid, 'name': name, 'generation': 0}
        if parent is not None:
            values['parent_provider_id'] = parent.id
            values['root_provider_id'] = parent.root_provider_id
        rp_id = conn.execute(
            tables.resource_providers.insert().values(**values)
        ).inserted_primary_key[0]
        if parent is None:
            conn.execute(tables.resource_providers.update()
                         .where(tables.resource_providers.c.id == rp_id)
                         .values(root_provider_id=rp_id))
        return resource_provider.get_by_uuid(conn, uuid)


def ensure_resource_class(db, name):
    """The id of class ``name``, creating it if it is a new custom one."""
    with db.engine.begin() as conn:
        try:
            return resource_class.id_for_name(conn, name)
        except Exception:
            next_id = conn.execute(sa.select(sa.func.max(
                tables.resource_classes.c.id))).scalar() or 0
            rc_id = max(next_id + 1, standard.CUSTOM_RC_ID_OFFSET)
            conn.execute(tables.resource_classes.insert().values(
                id=rc_id, name=name))
            return rc_id


def add_inventory(db, rp, rc_name, total, reserved=0, min_unit=1,
                  max_unit=None, step_size=1, allocation_ratio=1.0):
    rc_id = ensure_resource_class(db, rc_name)
    with db.engine.begin() as conn:
        conn.execute(tables.inventories.insert().values(
            resource_provider_id=rp.id, resource_class_id=rc_id,
            total=total, reserved=reserved, min_unit=min_unit,
            max_unit=total if max_unit is None else max_unit,
            step_size=step_size, allocation_ratio=allocation_ratio))


def ensure_trait(db, name):
    with db.engine.begin() as conn:
        row = conn.execute(sa.select(tables.traits.c.id).where(
            tables.traits.c.name == name)).first()
        if row:
            return row[0]
        return conn.execute(tables.traits.insert().values(
            name=name)).inserted_primary_key[0]


def set_traits(db, rp, *names):
    trait_ids = [ensure_trait(db, name) for name in names]
    with db.engine.begin() as conn:
        conn.execute(tables.resource_provider_traits.delete().where(
            tables.resource_provider_traits.c.resource_provider_id == rp.id))
        for trait_id in trait_ids:
            conn.execute(tables.resource_provider_traits.insert().values(
                resource_provider_id=rp.id, trait_id=trait_id))


def set_aggregates(db, rp, *aggregate_uuids):
    with db.engine.begin() as conn:
        conn.execute(tables.resource_provider_aggregates.delete().where(
            tables.resource_provider_aggregates.c.resource_provider_id ==
            rp.id))
        for agg_uuid in aggregate_uuids:
            row = conn.execute(sa.select(tables.placement_aggregates.c.id)
                               .where(tables.placement_aggregates.c.uuid ==
                                      agg_uuid)).first()
            agg_id = row[0] if row else conn.execute(
                tables.placement_aggregates.insert().values(uuid=agg_uuid)
            ).inserted_primary_key[0]
            conn.execute(tables.resource_provider_aggregates.insert().values(
                resource_provider_id=rp.id, aggregate_id=agg_id))


def _external_id(conn, table, external_id):
    row = conn.execute(sa.select(table.c.id).where(
        table.c.external_id == external_id)).first()
    if row:
        return row[0]
    return conn.execute(table.insert().values(
        external_id=external_id)).inserted_primary_key[0]


def allocate(db, consumer_uuid, allocations, project_id='project',
             user_id='user'):
    """Write allocations {ResourceProvider: {class name: used}} for a
    consumer (created if needed), without capacity checks."""
    with db.engine.begin() as conn:
        row = conn.execute(sa.select(tables.consumers.c.id).where(
            tables.consumers.c.uuid == consumer_uuid)).first()
        if row is None:
            conn.execute(tables.consumers.insert().values(
                uuid=consumer_uuid, generation=0,
                project_id=_external_id(conn, tables.projects, project_id),
                user_id=_external_id(conn, tables.users, user_id)))
        for rp, resources in allocations.items():
            for rc_name, used in resources.items():
                conn.execute(tables.allocations.insert().values(
                    resource_provider_id=rp.id, consumer_id=consumer_uuid,
                    resource_class_id=resource_class.id_for_name(
                        conn, rc_name),
                    used=used))
