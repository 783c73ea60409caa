"""The aggregates of a provider (microversion 1.1 on).

From 1.19 the GET answer and the PUT body and answer carry the provider
generation, and a PUT checks and bumps it; before, a PUT takes a bare list
and leaves the generation alone.
"""
from placement import exception
from placement.handlers import resource_provider
from placement.handlers import util
from placement import microversion
from placement.objects import aggregate as aggregate_obj
from placement.policies import aggregate as policies
from placement.schemas import aggregate as schemas

_GENERATIONS = (1, 19)


def _response(req, uuids, generation):
    body = {'aggregates': uuids}
    if util.version(req) >= _GENERATIONS:
        body['resource_provider_generation'] = generation
    return util.json_response(req, body)


@util.answers_json
@microversion.min_version('1.1')
def get_aggregates(req):
    context = util.context(req)
    context.can(policies.LIST)
    rp = resource_provider.load_provider(req)
    return _response(req, aggregate_obj.list_for_provider(context, rp.id),
                     rp.generation)


@util.requires_json
@microversion.min_version('1.1')
def set_aggregates(req):
    context = util.context(req)
    context.can(policies.UPDATE)
    data = util.extract_json(req, resource_provider.ANY_JSON)
    rp = resource_provider.load_provider(req)
    with_generation = util.version(req) >= _GENERATIONS
    util.validate(data, schemas.put_schema(util.version(req)))
    if with_generation:
        uuids = data['aggregates']
        expected = data['resource_provider_generation']
    else:
        uuids, expected = data, None
    try:
        generation = aggregate_obj.set_for_provider(
            context, rp, uuids, expected_generation=expected)
    except exception.ConcurrentUpdateDetected:
        raise resource_provider.generation_conflict()
    except exception.ResourceProviderNotFound:
        # Deleted since we loaded it.
        raise resource_provider.not_found(rp.uuid)
    return _response(req, uuids, generation)
