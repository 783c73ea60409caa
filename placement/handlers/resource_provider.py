"""Resource providers: create, show, update, delete one provider.

The list (GET /resource_providers) lives in resource_provider_list; both
serialise providers with ``provider_serializer``.
"""
import uuid as uuid_lib

from oslo_utils import uuidutils

from placement import errors
from placement import exception
from placement.handlers import util
from placement.objects import resource_provider as rp_obj
from placement.policies import resource_provider as policies
from placement.schemas import resource_provider as schemas

# (relation, URL suffix, first microversion that links it)
_LINKS = (
    ('self', '', (1, 0)),
    ('inventories', '/inventories', (1, 0)),
    ('usages', '/usages', (1, 0)),
    ('aggregates', '/aggregates', (1, 1)),
    ('traits', '/traits', (1, 6)),
    ('allocations', '/allocations', (1, 11)),
)


# extract_json's schema when the body is validated later.
ANY_JSON = {}


def provider_url(req, uuid):
    return '%s/resource_providers/%s' % (req.script_name, uuid)


def provider_body(req, rp):
    """The JSON of provider ``rp`` as the request's microversion shows
    it."""
    return provider_serializer(req)(rp)


def provider_serializer(req):
    """provider_body for many providers: the microversion's fields and
    links are worked out once, not per provider."""
    version = util.version(req)
    prefix = provider_url(req, '')
    links = [(rel, suffix) for rel, suffix, since in _LINKS
             if version >= since]
    with_tree = version >= (1, 14)

    def body_of(rp):
        base = prefix + rp.uuid
        body = {
            'uuid': rp.uuid,
            'name': rp.name,
            'generation': rp.generation,
            'links': [{'rel': rel, 'href': base + suffix}
                      for rel, suffix in links],
        }
        if with_tree:
            body['parent_provider_uuid'] = rp.parent_provider_uuid
            body['root_provider_uuid'] = rp.root_provider_uuid
        return body
    return body_of


def not_found(uuid, suffix=''):
    return errors.not_found(
        'No resource provider with uuid %(uuid)s found%(suffix)s',
        uuid=uuid, suffix=suffix)


def load_provider(req, suffix=''):
    """The provider named by the URL, or the 404 OpenStack Placement
    answers for a single unknown provider (``suffix`` ends its message)."""
    uuid = req.urlvars['uuid']
    # Only uuids were ever stored: anything else (some of which not every
    # database can even compare) is simply not there. As in OpenStack
    # Placement, the URL names the provider by its stored (canonical)
    # spelling: upper case or without hyphens it is not found.
    if not uuidutils.is_uuid_like(uuid):
        raise not_found(uuid, suffix)
    try:
        return rp_obj.get(util.context(req), uuid)
    except exception.ResourceProviderNotFound:
        raise not_found(uuid, suffix)


def generation_conflict():
    """The 409 for a provider generation that moved on since the client
    read it."""
    return errors.conflict(
        "Resource provider's generation already changed. Please update "
        "the generation and try again.", code=errors.CONCURRENT_UPDATE)


def _normalized_uuid(value):
    # Any spelling the schema accepts ("dashless", upper case) names the
    # same provider.
    return None if value is None else str(uuid_lib.UUID(value))


def _last_modified(rp):
    return util.latest([rp.created_at, rp.updated_at])


def _last_updated(rp):
    """The Last-Modified of an update's answer, as upstream gives it: when
    the provider was last changed *before* this update, none if it never
    was. Upstream stamps a root as updated when it creates it (its root id
    is written in a second step), a child only by a later change; a
    provider that is a child and was never updated was created as one."""
    if rp.updated_at is not None:
        return rp.updated_at
    if rp.parent_provider_uuid is None:
        return rp.created_at
    return util.UNDATED


def _conflict(exc):
    return errors.conflict(
        'Conflicting resource provider %(field)s: %(value)s already exists.',
        code=errors.DUPLICATE_NAME, **exc.kwargs)


@util.requires_json
def create_resource_provider(req):
    context = util.context(req)
    context.can(policies.CREATE)
    version = util.version(req)
    data = util.extract_json(req, schemas.post_schema(version))
    uuid = _normalized_uuid(data.get('uuid')) or str(uuid_lib.uuid4())
    name = data['name']
    if not name:
        raise errors.bad_request(
            'Unable to create resource provider "%(name)s", %(uuid)s: '
            'Object action create failed because: name is required',
            name=name, uuid=uuid)
    try:
        rp = rp_obj.create(
            context, uuid, name,
            parent_uuid=_normalized_uuid(data.get('parent_provider_uuid')))
    except exception.ResourceProviderExists as exc:
        raise _conflict(exc)
    except exception.InvalidResourceProviderParent as exc:
        raise errors.bad_request(
            'Unable to create resource provider "%(name)s", %(uuid)s: '
            '%(error)s', name=name, uuid=uuid, error=exc)
    location = provider_url(req, rp.uuid)
    if version < (1, 20):
        response = util.no_content(status=201)
        response.location = location
        return response
    return util.json_response(req, provider_body(req, rp),
                              last_modified=_last_modified(rp),
                              location=location)


@util.answers_json
def get_resource_provider(req):
    util.context(req).can(policies.SHOW)
    rp = load_provider(req)
    return util.json_response(req, provider_body(req, rp),
                              last_modified=_last_modified(rp))


@util.requires_json
def update_resource_provider(req):
    context = util.context(req)
    context.can(policies.UPDATE)
    # A body that is not JSON is refused before the provider is looked
    # up, one that does not match the schema after.
    data = util.extract_json(req, ANY_JSON)
    rp = load_provider(req)
    version = util.version(req)
    util.validate(data, schemas.put_schema(version))
    parent_uuid = rp_obj.UNCHANGED
    if 'parent_provider_uuid' in data:
        parent_uuid = _normalized_uuid(data['parent_provider_uuid'])
    before = rp
    try:
        rp = rp_obj.update(context, rp.uuid, data['name'],
                           parent_uuid=parent_uuid,
                           allow_reparent=version >= (1, 37))
    except exception.ResourceProviderNotFound:
        raise not_found(rp.uuid)
    except exception.ResourceProviderExists as exc:
        # Worded without the field, as upstream words it on update.
        raise errors.conflict(
            'Conflicting resource provider %(value)s already exists.',
            code=errors.DUPLICATE_NAME, value=exc.kwargs['value'])
    except exception.InvalidResourceProviderParent as exc:
        raise errors.bad_request(
            'Unable to save resource provider %(uuid)s: %(error)s',
            uuid=rp.uuid, error=exc)
    return util.json_response(req, provider_body(req, rp),
                              last_modified=_last_updated(before))


def delete_resource_provider(req):
    context = util.context(req)
    context.can(policies.DELETE)
    uuid = load_provider(req, suffix=' for delete').uuid
    try:
        rp_obj.delete(context, uuid)
    except exception.ResourceProviderNotFound:
        raise not_found(uuid, ' for delete')
    except exception.CannotDeleteParentResourceProvider:
        raise errors.conflict(
            'Unable to delete parent resource provider %(uuid)s: It has '
            'child resource providers.', uuid=uuid,
            code=errors.PROVIDER_CANNOT_DELETE_PARENT)
    except exception.ResourceProviderInUse as exc:
        raise errors.conflict(
            'Unable to delete resource provider %(uuid)s: %(error)s',
            uuid=uuid, error=exc, code=errors.PROVIDER_IN_USE)
    return util.no_content()
