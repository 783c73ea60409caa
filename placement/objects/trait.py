"""Traits: name -> id lookups, trait CRUD, the traits of a provider."""
import dataclasses
import datetime

from oslo_db import exception as db_exc
import os_traits
import sqlalchemy as sa

from placement.db import api as db_api
from placement.db import tables
from placement import exception
from placement.objects import aggregate
from placement.objects import generation


def _storable(name):
    # No trait name holds a NUL, and PostgreSQL refuses to compare one.
    return '\x00' not in name


def ids_for_names(conn, names):
    """{name: id} for ``names``; TraitNotFound lists every unknown one."""
    names = set(names)
    if not names:
        return {}
    rows = conn.execute(
        sa.select(tables.traits.c.name, tables.traits.c.id)
        .where(tables.traits.c.name.in_(sorted(filter(_storable, names)))))
    found = dict(rows.all())
    missing = names - set(found)
    if missing:
        raise exception.TraitNotFound(names=', '.join(sorted(missing)))
    return found


_trait = tables.traits
_rp_trait = tables.resource_provider_traits
CUSTOM_PREFIX = os_traits.CUSTOM_NAMESPACE


@dataclasses.dataclass(frozen=True)
class Trait:
    id: int
    name: str
    created_at: datetime.datetime
    updated_at: datetime.datetime | None


def is_custom(name):
    return name.startswith(CUSTOM_PREFIX)


def _select_traits():
    return sa.select(_trait.c.id, _trait.c.name, _trait.c.created_at,
                     _trait.c.updated_at)


def _traits(conn, query):
    # Sorted here rather than in SQL: database collations disagree on
    # where "_" goes.
    return sorted((Trait(**row) for row in conn.execute(query).mappings()),
                  key=lambda t: t.name)


@db_api.reader
def list_traits(ctx, conn, names=None, prefix=None, associated=None):
    """Traits sorted by name, filtered by any of: a list of ``names``, a
    name ``prefix``, and whether they are ``associated`` with a provider
    (True) or not (False)."""
    query = _select_traits()
    if names is not None:
        query = query.where(_trait.c.name.in_(sorted(set(names))))
    if prefix is not None:
        query = query.where(_trait.c.name.startswith(prefix,
                                                      autoescape=True))
    if associated is not None:
        used = sa.exists().where(_rp_trait.c.trait_id == _trait.c.id)
        query = query.where(used if associated else ~used)
    return _traits(conn, query)


def _get(conn, name):
    found = _storable(name) and _traits(
        conn, _select_traits().where(_trait.c.name == name))
    if not found:
        raise exception.TraitNotFound(names=name)
    return found[0]


@db_api.reader
def get(ctx, conn, name):
    """The trait ``name`` or TraitNotFound."""
    return _get(conn, name)


@db_api.retry_on_deadlock
@db_api.writer
def ensure(ctx, conn, name):
    """Create trait ``name`` unless it exists; return (Trait, created)."""
    try:
        return _get(conn, name), False
    except exception.TraitNotFound:
        pass
    # A concurrent writer may create it first: then it exists, as asked.
    inserted = aggregate.insert_ignoring_duplicates(conn, _trait,
                                                    {'name': name})
    return _get(conn, name), inserted == 1


def _in_use(conn, trait_id):
    return conn.execute(sa.select(_rp_trait.c.trait_id).where(
        _rp_trait.c.trait_id == trait_id).limit(1)).first() is not None


@db_api.retry_on_deadlock
@db_api.writer
def _delete(ctx, conn, name):
    trait = _get(conn, name)
    if not is_custom(name):
        raise exception.TraitCannotDeleteStandard(name=name)
    if _in_use(conn, trait.id):
        raise exception.TraitInUse(name=name)
    conn.execute(_trait.delete().where(_trait.c.id == trait.id))


def delete(ctx, name):
    """Delete custom trait ``name``.

    :raises TraitNotFound: no such trait.
    :raises TraitCannotDeleteStandard: it is a standard trait.
    :raises TraitInUse: a provider has it.
    """
    try:
        _delete(ctx, name)
    except db_exc.DBReferenceError:
        # A provider was given the trait while we deleted it.
        raise exception.TraitInUse(name=name)


@db_api.reader
def list_for_provider(ctx, conn, rp_id):
    """The traits of provider ``rp_id``, sorted by name."""
    return _traits(conn, _select_traits()
                   .select_from(_trait.join(
                       _rp_trait, _rp_trait.c.trait_id == _trait.c.id))
                   .where(_rp_trait.c.resource_provider_id == rp_id))


def _provider_trait_ids(conn, rp_id):
    return {row[0] for row in conn.execute(
        sa.select(_rp_trait.c.trait_id)
        .where(_rp_trait.c.resource_provider_id == rp_id))}


def _replace_provider_traits(conn, rp_id, trait_ids):
    current = _provider_trait_ids(conn, rp_id)
    wanted = set(trait_ids)
    if current - wanted:
        conn.execute(_rp_trait.delete().where(
            _rp_trait.c.resource_provider_id == rp_id,
            _rp_trait.c.trait_id.in_(sorted(current - wanted))))
    if wanted - current:
        conn.execute(_rp_trait.insert(), [
            {'resource_provider_id': rp_id, 'trait_id': trait_id}
            for trait_id in sorted(wanted - current)])


@db_api.retry_on_deadlock
@db_api.writer
def _set_for_provider(ctx, conn, rp, names, expected_generation):
    trait_ids = ids_for_names(conn, names)
    if set(trait_ids.values()) == _provider_trait_ids(conn, rp.id):
        # The same traits again: as upstream, the generation is checked
        # but not bumped.
        return generation.check_provider(conn, rp.id, expected_generation)
    new_generation = generation.bump_provider(conn, rp.id,
                                              expected_generation)
    _replace_provider_traits(conn, rp.id, trait_ids.values())
    return new_generation


def set_for_provider(ctx, rp, names, expected_generation):
    """Make ``names`` the traits of provider ``rp`` if its generation is
    still ``expected_generation``; return the new generation.

    :raises TraitNotFound: some of ``names`` do not exist.
    :raises ConcurrentUpdateDetected: the generation moved on.
    """
    try:
        return _set_for_provider(ctx, rp, names, expected_generation)
    except db_exc.DBReferenceError:
        # A trait was deleted while we associated it: look again, which
        # now reports it missing.
        return _set_for_provider(ctx, rp, names, expected_generation)


@db_api.retry_on_deadlock
@db_api.writer
def delete_for_provider(ctx, conn, rp):
    """Remove every trait of provider ``rp``, bumping its generation from
    the one ``rp`` was read with; return the new generation."""
    new_generation = generation.bump_provider(conn, rp.id, rp.generation)
    _replace_provider_traits(conn, rp.id, ())
    return new_generation
