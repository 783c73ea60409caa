"""Allocations of a consumer, of a provider, and of several consumers at
once (POST /allocations, 1.13).

All writes end in placement.objects.allocation.replace, one transaction
for every consumer of the request; this module turns the body of each
microversion into ConsumerWrite records and the object layer's failures
into the answers of OpenStack Placement.
"""
import uuid as uuid_lib

from placement import errors
from placement import exception
from placement.handlers import util
from placement import microversion
from placement.objects import allocation as alloc_obj
from placement.objects import usage as usage_obj
from placement.policies import allocation as policies
from placement.schemas import allocation as schemas


def normalized_uuid(value):
    """The canonical spelling of a uuid, or None if ``value`` is none."""
    try:
        return str(uuid_lib.UUID(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _consumer_uuid(req, strict):
    """The consumer uuid of the URL. As in OpenStack Placement, a write
    (``strict``) stores the canonical spelling of any spelling and refuses
    a malformed one (400); a read or delete looks the URL's spelling up as
    it is (another spelling names nothing)."""
    raw = req.urlvars['consumer_uuid']
    if not strict:
        return raw
    value = normalized_uuid(raw)
    if value is None:
        raise errors.bad_request('Malformed consumer_uuid: %(uuid)s',
                                 uuid=raw)
    return value


def _resources_by_provider(allocations):
    """{provider uuid: {class: amount}} from the dict form of a body."""
    return {normalized_uuid(rp_uuid): dict(entry['resources'])
            for rp_uuid, entry in allocations.items()}


def _resources_from_list(items):
    """{provider uuid: {class: amount}} from the list form (before 1.12);
    of a provider listed twice, the last entry counts (as upstream keeps
    it: the earlier one is dropped whole, not added)."""
    return {normalized_uuid(item['resource_provider']['uuid']):
            dict(item['resources']) for item in items}


def consumer_write(consumer_uuid, entry, version):
    """The ConsumerWrite of one consumer's part of a 1.12+ body (the PUT
    body, or one consumer of POST /allocations or /reshaper). Mappings are
    accepted (1.34) but, as in OpenStack Placement, not stored."""
    return alloc_obj.ConsumerWrite(
        consumer_uuid=consumer_uuid,
        allocations=_resources_by_provider(entry['allocations']),
        project_id=entry['project_id'],
        user_id=entry['user_id'],
        generation=(entry['consumer_generation'] if version >= (1, 28)
                    else alloc_obj.UNCHECKED),
        consumer_type=(entry['consumer_type'] if version >= (1, 38)
                       else alloc_obj.UNCHECKED))


def consumer_writes(data, version):
    """ConsumerWrites of a body keyed by consumer uuid."""
    # Keys are taken as spelt, as upstream takes them: two spellings are
    # two consumers.
    return [consumer_write(consumer_uuid, entry, version)
            for consumer_uuid, entry in data.items()]


_CAPACITY_REASONS = {
    exception.InvalidAllocationCapacityExceeded:
        'The requested amount would exceed the capacity.',
    exception.InvalidAllocationConstraintsViolated:
        'The requested amount would violate inventory constraints.',
}


def allocation_conflict(exc):
    """The 409 of allocations that do not fit the inventory, worded as
    OpenStack Placement words it."""
    names = exc.kwargs
    if isinstance(exc, exception.InvalidInventoryForAllocation):
        reason = ("Inventory for '%(resource_class)s' on resource "
                  "provider '%(uuid)s' invalid." % names)
    else:
        reason = ("Unable to create allocation for '%(resource_class)s' on "
                  "resource provider '%(uuid)s'. " % names +
                  _CAPACITY_REASONS[type(exc)])
    return errors.conflict('Unable to allocate inventory: %(reason)s',
                           reason=reason)


# Failures of the allocations themselves, for every writer of them.
ALLOCATION_FAILURES = (
    exception.InvalidInventoryForAllocation,
    exception.InvalidAllocationCapacityExceeded,
    exception.InvalidAllocationConstraintsViolated,
)


def missing_provider(exc):
    return errors.bad_request(
        "Allocation for resource provider '%(uuid)s' that does not exist.",
        uuid=exc.kwargs['uuid'])


def generation_conflict(exc):
    return errors.conflict(str(exc), code=errors.CONCURRENT_UPDATE)


def _replace(req, writes, consumer_uuid=None):
    """Write ``writes`` and answer 204, or the error of the failure."""
    try:
        alloc_obj.replace(util.context(req), writes)
    except exception.ResourceClassNotFound as exc:
        where = (' for consumer %s' % consumer_uuid if consumer_uuid
                 else '')
        raise errors.bad_request(
            'Unable to allocate inventory%(where)s: %(error)s',
            where=where, error=exc)
    except exception.ResourceProviderNotFound as exc:
        raise missing_provider(exc)
    except ALLOCATION_FAILURES as exc:
        raise allocation_conflict(exc)
    except exception.ConsumerGenerationConflict as exc:
        raise generation_conflict(exc)
    return util.no_content()


@util.requires_json
def set_allocations_for_consumer(req):
    """PUT /allocations/{consumer_uuid}"""
    util.context(req).can(policies.ALLOC_UPDATE)
    consumer_uuid = _consumer_uuid(req, strict=True)
    version = util.version(req)
    data = util.extract_json(
        req, schemas.for_version(schemas.PUT_BY_VERSION, version))
    if version >= (1, 12):
        write = consumer_write(consumer_uuid, data, version)
    else:
        write = alloc_obj.ConsumerWrite(
            consumer_uuid=consumer_uuid,
            allocations=_resources_from_list(data['allocations']),
            project_id=data.get('project_id'),
            user_id=data.get('user_id'))
    return _replace(req, [write], consumer_uuid)


@microversion.min_version('1.13')
@util.requires_json
def set_allocations(req):
    """POST /allocations"""
    util.context(req).can(policies.ALLOC_MANAGE)
    version = util.version(req)
    data = util.extract_json(
        req, schemas.for_version(schemas.POST_BY_VERSION, version))
    return _replace(req, consumer_writes(data, version))


@util.answers_json
def list_for_consumer(req):
    """GET /allocations/{consumer_uuid}"""
    ctx = util.context(req)
    ctx.can(policies.ALLOC_LIST)
    consumer_uuid = _consumer_uuid(req, strict=False)
    version = util.version(req)
    found = alloc_obj.get_for_consumer(ctx, consumer_uuid)
    body = {'allocations': found.allocations}
    consumer = found.consumer
    if consumer is not None:
        if version >= (1, 12):
            body['project_id'] = consumer.project_id
            body['user_id'] = consumer.user_id
        if version >= (1, 28):
            body['consumer_generation'] = consumer.generation
        if version >= (1, 38):
            body['consumer_type'] = (consumer.consumer_type or
                                     usage_obj.UNKNOWN)
    return util.json_response(req, body,
                              last_modified=util.latest(found.timestamps))


def delete_allocations(req):
    """DELETE /allocations/{consumer_uuid}"""
    ctx = util.context(req)
    ctx.can(policies.ALLOC_DELETE)
    consumer_uuid = _consumer_uuid(req, strict=False)
    try:
        alloc_obj.delete_consumer(ctx, consumer_uuid)
    except exception.ConsumerNotFound:
        raise errors.not_found("No allocations for consumer '%(uuid)s'",
                               uuid=consumer_uuid)
    return util.no_content()


@util.answers_json
def list_for_resource_provider(req):
    """GET /resource_providers/{uuid}/allocations"""
    ctx = util.context(req)
    ctx.can(policies.RP_ALLOC_LIST)
    rp_uuid = req.urlvars['uuid']
    try:
        found = alloc_obj.get_for_provider(
            ctx, rp_uuid)
    except exception.ResourceProviderNotFound:
        raise errors.not_found(
            "Resource provider '%(uuid)s' not found: No resource provider "
            "with uuid %(uuid)s found", uuid=rp_uuid)
    allocations = {consumer_uuid: {'resources': resources}
                   for consumer_uuid, resources in found.allocations.items()}
    if util.version(req) >= (1, 28):
        for consumer_uuid, generation in found.consumer_generations.items():
            allocations[consumer_uuid]['consumer_generation'] = generation
    body = {'allocations': allocations,
            'resource_provider_generation': found.generation}
    return util.json_response(req, body,
                              last_modified=util.latest(found.timestamps))
