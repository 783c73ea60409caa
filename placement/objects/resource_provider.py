"""Resource providers and their trees."""
import dataclasses
import datetime

import sqlalchemy as sa

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


def _select_providers():
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


def get_by_uuid(conn, uuid):
    """The provider ``uuid`` or ResourceProviderNotFound."""
    row = conn.execute(
        _select_providers().where(_rp.c.uuid == uuid)).mappings().first()
    if row is None:
        raise exception.ResourceProviderNotFound(uuid=uuid)
    return ResourceProvider(**row)
