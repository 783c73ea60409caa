"""Resource providers and their trees."""
import dataclasses
import datetime

from oslo_db import exception as db_exc
import sqlalchemy as sa

from placement.db import api as db_api
from placement.db import tables
from placement import exception

_rp = tables.resource_providers


@dataclasses.dataclass(frozen=True)
class ResourceProvider:
    id: int
    uuid: str
    name: str
    generation: int
    root_provider_id: int
    parent_provider_id: int | None
    root_provider_uuid: str
    parent_provider_uuid: str | None
    created_at: datetime.datetime
    updated_at: datetime.datetime | None


def select_providers():
    """Providers with the uuids of their root and parent."""
    root = _rp.alias('root')
    parent = _rp.alias('parent')
    return (
        sa.select(_rp.c.id, _rp.c.uuid, _rp.c.name, _rp.c.generation,
                  _rp.c.root_provider_id, _rp.c.parent_provider_id,
                  root.c.uuid.label('root_provider_uuid'),
                  parent.c.uuid.label('parent_provider_uuid'),
                  _rp.c.created_at, _rp.c.updated_at)
        .select_from(
            _rp.join(root, root.c.id == _rp.c.root_provider_id)
            .outerjoin(parent, parent.c.id == _rp.c.parent_provider_id)))


# from_rows relies on it: the columns are the fields, in their order.
assert list(select_providers().selected_columns.keys()) == [
    field.name for field in dataclasses.fields(ResourceProvider)]


def from_rows(rows):
    """ResourceProviders of rows of ``select_providers`` (built from the
    row's values by position: for a list of thousands, naming every field
    of every row cost more than the query)."""
    return [ResourceProvider(*row) for row in rows]


def get_by_uuid(conn, uuid):
    """The provider ``uuid`` or ResourceProviderNotFound."""
    row = conn.execute(
        select_providers().where(_rp.c.uuid == uuid)).first()
    if row is None:
        raise exception.ResourceProviderNotFound(uuid=uuid)
    return ResourceProvider(*row)


_SELF_PARENT = ('parent provider UUID cannot be same as UUID. Please '
                'specify a different parent provider UUID.')
# Upstream words a missing parent as a failed create, on update too.
_NO_PARENT = ('Object action create failed because: parent provider UUID '
              'does not exist.')
_LOOP = ('Object action update failed because: creating loop in the '
         'provider tree is not allowed.')
# Worded as upstream's refusal of the object update.
_NO_REPARENT = ('Object action update failed because: re-parenting a '
                'provider is not currently allowed.')
_NO_UNPARENT = ('Object action update failed because: un-parenting a '
                'provider is not currently allowed.')

# "Leave the parent as it is" for update(), as opposed to None ("make
# it a root").
UNCHANGED = object()


@db_api.reader
def get(ctx, conn, uuid):
    """The provider ``uuid`` or ResourceProviderNotFound."""
    return get_by_uuid(conn, uuid)


def _lock_tree(conn, root_id):
    """Serialise the changes of one tree's shape.

    Creating a child and moving a subtree both lock the root row first, so
    that a move sees every child created before it and a child never gets
    the root its parent had before a move.
    """
    conn.execute(sa.select(_rp.c.id).where(_rp.c.id == root_id)
                 .with_for_update()).first()


def _parent_for_change(conn, parent_uuid):
    try:
        parent = get_by_uuid(conn, parent_uuid)
    except exception.ResourceProviderNotFound:
        raise exception.InvalidResourceProviderParent(reason=_NO_PARENT)
    _lock_tree(conn, parent.root_provider_id)
    # Read again under the lock: a move may just have changed its root.
    return get_by_uuid(conn, parent_uuid)


def _duplicate(conn, uuid=None, name=None, exclude_id=None):
    """The (field, value) of the first clash with another provider."""
    for field, value in (('uuid', uuid), ('name', name)):
        if value is None:
            continue
        query = sa.select(_rp.c.id).where(_rp.c[field] == value)
        if exclude_id is not None:
            query = query.where(_rp.c.id != exclude_id)
        if conn.execute(query).first() is not None:
            return field, value
    return None


def _exists_error(exc, uuid, name):
    """A ResourceProviderExists for a unique violation the database
    reported (a race the checks before the insert could not see)."""
    columns = ' '.join(exc.columns or ())
    if 'name' in columns and 'uuid' not in columns:
        return exception.ResourceProviderExists(field='name', value=name)
    return exception.ResourceProviderExists(field='uuid', value=uuid)


@db_api.retry_on_deadlock
@db_api.writer
def _create(ctx, conn, uuid, name, parent_uuid):
    clash = _duplicate(conn, uuid=uuid, name=name)
    if clash:
        raise exception.ResourceProviderExists(field=clash[0],
                                               value=clash[1])
    values = {'uuid': uuid, 'name': name, 'generation': 0}
    if parent_uuid is not None:
        parent = _parent_for_change(conn, parent_uuid)
        values.update(parent_provider_id=parent.id,
                      root_provider_id=parent.root_provider_id)
    rp_id = conn.execute(_rp.insert().values(**values)).inserted_primary_key[0]
    if parent_uuid is None:
        conn.execute(_rp.update().where(_rp.c.id == rp_id)
                     .values(root_provider_id=rp_id))
    return get_by_uuid(conn, uuid)


def create(ctx, uuid, name, parent_uuid=None):
    """Create a provider (a root, or a child of ``parent_uuid``).

    :raises ResourceProviderExists: the uuid or the name is taken.
    :raises InvalidResourceProviderParent: the parent does not exist or is
        the provider itself.
    """
    if parent_uuid is not None and parent_uuid == uuid:
        raise exception.InvalidResourceProviderParent(reason=_SELF_PARENT)
    try:
        return _create(ctx, uuid, name, parent_uuid)
    except db_exc.DBDuplicateEntry as exc:
        raise _exists_error(exc, uuid, name)
    except db_exc.DBReferenceError:
        # The parent was deleted between our read and our insert.
        raise exception.InvalidResourceProviderParent(reason=_NO_PARENT)


def _subtree_ids(conn, rp):
    """The ids of ``rp`` and all its descendants."""
    rows = conn.execute(
        sa.select(_rp.c.id, _rp.c.parent_provider_id)
        .where(_rp.c.root_provider_id == rp.root_provider_id)).all()
    children = {}
    for rp_id, parent_id in rows:
        children.setdefault(parent_id, []).append(rp_id)
    found = [rp.id]
    for rp_id in found:
        found.extend(children.get(rp_id, ()))
    return found


def _lock_own_tree(conn, rp):
    """Lock the tree of ``rp`` and return ``rp`` as it is under the lock
    (a concurrent move may have put it in another tree meanwhile)."""
    while True:
        _lock_tree(conn, rp.root_provider_id)
        fresh = get_by_uuid(conn, rp.uuid)
        if fresh.root_provider_id == rp.root_provider_id:
            return fresh
        rp = fresh


def _move(conn, rp, parent_uuid, allow_reparent):
    """Give ``rp`` (and its subtree) the parent ``parent_uuid`` (None: make
    it a root)."""
    if parent_uuid == rp.parent_provider_uuid:
        return
    rp = _lock_own_tree(conn, rp)
    if parent_uuid == rp.parent_provider_uuid:
        return
    if rp.parent_provider_id is not None and not allow_reparent:
        if parent_uuid is not None:
            # Upstream reports a missing parent before refusing the move.
            _parent_for_change(conn, parent_uuid)
        raise exception.InvalidResourceProviderParent(
            reason=_NO_UNPARENT if parent_uuid is None else _NO_REPARENT)
    if parent_uuid == rp.uuid:
        raise exception.InvalidResourceProviderParent(reason=_LOOP)
    subtree = _subtree_ids(conn, rp)
    if parent_uuid is None:
        parent_id, root_id = None, rp.id
    else:
        parent = _parent_for_change(conn, parent_uuid)
        if parent.id in subtree:
            raise exception.InvalidResourceProviderParent(reason=_LOOP)
        parent_id, root_id = parent.id, parent.root_provider_id
    conn.execute(_rp.update().where(_rp.c.id == rp.id)
                 .values(parent_provider_id=parent_id))
    conn.execute(_rp.update().where(_rp.c.id.in_(subtree))
                 .values(root_provider_id=root_id))


@db_api.retry_on_deadlock
@db_api.writer
def _update(ctx, conn, uuid, name, parent_uuid, allow_reparent):
    rp = get_by_uuid(conn, uuid)
    if name != rp.name:
        clash = _duplicate(conn, name=name, exclude_id=rp.id)
        if clash:
            raise exception.ResourceProviderExists(field='name', value=name)
        conn.execute(_rp.update().where(_rp.c.id == rp.id)
                     .values(name=name))
    if parent_uuid is not UNCHANGED:
        _move(conn, rp, parent_uuid, allow_reparent)
    return get_by_uuid(conn, uuid)


def update(ctx, uuid, name, parent_uuid=UNCHANGED, allow_reparent=False):
    """Rename provider ``uuid`` and/or change its parent.

    A provider without a parent may always be given one; changing or
    removing an existing parent needs ``allow_reparent``. Moving a provider
    moves its whole subtree. The generation does not change: it guards
    what the provider has (inventories, traits, aggregates, allocations),
    not its name or place.

    :raises ResourceProviderNotFound: no such provider.
    :raises ResourceProviderExists: another provider has the name.
    :raises InvalidResourceProviderParent: see the reasons above.
    """
    try:
        return _update(ctx, uuid, name, parent_uuid, allow_reparent)
    except db_exc.DBDuplicateEntry:
        raise exception.ResourceProviderExists(field='name', value=name)
    except db_exc.DBReferenceError:
        raise exception.InvalidResourceProviderParent(reason=_NO_PARENT)


@db_api.reader
def _has_children(ctx, conn, rp_id):
    return conn.execute(sa.select(_rp.c.id).where(
        _rp.c.parent_provider_id == rp_id).limit(1)).first() is not None


@db_api.retry_on_deadlock
@db_api.writer
def _delete(ctx, conn, uuid):
    rp = get_by_uuid(conn, uuid)
    if _has_children(ctx, rp.id):
        raise exception.CannotDeleteParentResourceProvider()
    allocation = conn.execute(
        sa.select(tables.allocations.c.id)
        .where(tables.allocations.c.resource_provider_id == rp.id)
        .limit(1)).first()
    if allocation is not None:
        raise exception.ResourceProviderInUse()
    for table in (tables.inventories, tables.resource_provider_traits,
                  tables.resource_provider_aggregates):
        conn.execute(table.delete().where(
            table.c.resource_provider_id == rp.id))
    # Clear the self-reference first: not every database checks foreign
    # keys only at the end of the statement.
    conn.execute(_rp.update().where(_rp.c.id == rp.id)
                 .values(root_provider_id=None))
    conn.execute(_rp.delete().where(_rp.c.id == rp.id))


def delete(ctx, uuid):
    """Delete provider ``uuid`` with its inventories, traits and aggregate
    associations.

    :raises ResourceProviderNotFound: no such provider.
    :raises CannotDeleteParentResourceProvider: it has children.
    :raises ResourceProviderInUse: it has allocations.
    """
    try:
        _delete(ctx, uuid)
    except db_exc.DBReferenceError:
        # A child or an allocation was added while we deleted: say which.
        rp = get(ctx, uuid)
        if _has_children(ctx, rp.id):
            raise exception.CannotDeleteParentResourceProvider()
        raise exception.ResourceProviderInUse()
