"""Consumers and the projects, users and consumer types they refer to.

A consumer is the owner of allocations: created by its first allocation
write, removed with its last allocation. Its generation is bumped by every
write of its allocations (placement.objects.generation), which is what the
consumer generation of microversion 1.28 exposes.

Projects, users and consumer types are records named by an external id
(or name); they are created on first use and never removed. Creation may
race with another transaction creating the same record: the insert runs in
a savepoint, and the loser reads the winner's row (READ COMMITTED sees it
once the unique-key wait is over).
"""
import dataclasses
import datetime

from oslo_db import exception as db_exc
import sqlalchemy as sa

from placement.db import api as db_api
from placement.db import tables
from placement.objects import generation as generation_mod

_consumers = tables.consumers
_projects = tables.projects
_users = tables.users
_types = tables.consumer_types


@dataclasses.dataclass(frozen=True)
class Consumer:
    id: int
    uuid: str
    generation: int
    project_id: str
    user_id: str
    consumer_type: str | None
    created_at: datetime.datetime
    updated_at: datetime.datetime | None


def _select_consumers():
    return (
        sa.select(_consumers.c.id, _consumers.c.uuid,
                  _consumers.c.generation,
                  _projects.c.external_id.label('project_id'),
                  _users.c.external_id.label('user_id'),
                  _types.c.name.label('consumer_type'),
                  _consumers.c.created_at, _consumers.c.updated_at)
        .select_from(
            _consumers
            .join(_projects, _projects.c.id == _consumers.c.project_id)
            .join(_users, _users.c.id == _consumers.c.user_id)
            .outerjoin(_types,
                       _types.c.id == _consumers.c.consumer_type_id)))


def find(conn, uuid, lock=False):
    """The consumer ``uuid`` or None; ``lock`` takes its row lock (FOR
    UPDATE) so that the generation read stays the current one."""
    if lock:
        row = conn.execute(
            sa.select(_consumers.c.id).where(_consumers.c.uuid == uuid)
            .with_for_update()).first()
        if row is None:
            return None
    row = conn.execute(_select_consumers().where(
        _consumers.c.uuid == uuid)).mappings().first()
    return None if row is None else Consumer(**row)


@db_api.reader
def get(ctx, conn, uuid):
    """The consumer ``uuid`` or None."""
    return find(conn, uuid)


def _id_for(conn, table, column, value):
    """The id of the row of ``table`` whose ``column`` is ``value``,
    inserting the row if there is none."""
    query = sa.select(table.c.id).where(table.c[column] == value)
    row = conn.execute(query).first()
    if row is not None:
        return row[0]
    try:
        with conn.begin_nested():
            return conn.execute(table.insert().values(
                **{column: value})).inserted_primary_key[0]
    except db_exc.DBDuplicateEntry:
        # Another transaction created it since the read above.
        return conn.execute(query).scalar_one()


def project_id_for(conn, external_id):
    return _id_for(conn, _projects, 'external_id', external_id)


def user_id_for(conn, external_id):
    return _id_for(conn, _users, 'external_id', external_id)


def type_id_for(conn, name):
    return _id_for(conn, _types, 'name', name)


def create(conn, uuid, project_id, user_id, consumer_type=None,
           generation=0):
    """Insert consumer ``uuid`` at ``generation`` and return its id.

    A concurrent creation of the same consumer surfaces as
    DBDuplicateEntry (after waiting for the other transaction): the caller
    abandons its transaction.
    """
    values = {
        'uuid': uuid,
        'generation': generation,
        'project_id': project_id_for(conn, project_id),
        'user_id': user_id_for(conn, user_id),
    }
    if consumer_type is not None:
        values['consumer_type_id'] = type_id_for(conn, consumer_type)
    return conn.execute(
        _consumers.insert().values(**values)).inserted_primary_key[0]


def update_owner(conn, consumer, project_id=None, user_id=None,
                 consumer_type=None):
    """Record a different project, user or type for ``consumer`` (None
    leaves a field as it is). The generation is not touched: the
    allocation write that comes with it bumps it."""
    values = {}
    if project_id is not None and project_id != consumer.project_id:
        values['project_id'] = project_id_for(conn, project_id)
    if user_id is not None and user_id != consumer.user_id:
        values['user_id'] = user_id_for(conn, user_id)
    if (consumer_type is not None and
            consumer_type != consumer.consumer_type):
        values['consumer_type_id'] = type_id_for(conn, consumer_type)
    if values:
        conn.execute(_consumers.update()
                     .where(_consumers.c.id == consumer.id)
                     .values(**values))


def bump(conn, consumer):
    return generation_mod.bump_consumer(conn, consumer.id,
                                        consumer.generation)


def delete(conn, consumer_ids):
    if consumer_ids:
        conn.execute(_consumers.delete().where(
            _consumers.c.id.in_(sorted(consumer_ids))))
