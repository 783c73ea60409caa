"""GET /allocation_candidates: where a set of resources could be
allocated, with a summary of every provider involved."""
import time

from placement.handlers import util
from placement import metrics
from placement import microversion
from placement.objects.search import candidates as candidate_search
from placement.policies import allocation_candidate as policies
from placement import request_group
from placement.schemas import allocation_candidate as schema


def candidate_query(req):
    """(context, version, CandidateQuery) of a candidate query string,
    after the policy check and validation: one place for every endpoint
    that takes it (also GET /allocation_candidates/explain)."""
    context = util.context(req)
    context.can(policies.LIST)
    version = util.version(req)
    util.validate_query(req, schema.for_version(version))
    return context, version, request_group.parse_candidate_query(req.GET,
                                                                 version)


@microversion.min_version('1.10')
@util.answers_json
def list_allocation_candidates(req):
    context, version, query = candidate_query(req)
    with util.gc_paused():
        with util.unknown_names_are_bad_requests():
            body = _encoded_answer(context, query, version)
    return util.json_response(req, body)


def _encoded_answer(context, query, version):
    """The answer as JSON text. The search's objects and the body die when
    this returns, before the garbage collector resumes: had they survived
    it, its first collection would walk every one of them."""
    started = time.perf_counter()
    result = candidate_search.find(
        context, query, all_resources=version >= (1, 27),
        with_traits=version >= (1, 17))
    metrics.candidate_search(len(result.candidates),
                             time.perf_counter() - started)
    uuid_of = {rp_id: s.uuid for rp_id, s in result.summaries.items()}
    resources = _ResourcesBodies(result.class_names)
    return util.dumps({
        'allocation_requests': [
            _allocation_request(version, candidate, uuid_of, resources)
            for candidate in result.candidates],
        'provider_summaries': _provider_summaries(version, result),
    })


class _ResourcesBodies(dict):
    """{(class id, amount), ...} -> the body's {class name: amount}: most
    candidates ask the same amounts of their providers, and one object
    serves them all (the body is only encoded)."""

    def __init__(self, class_names):
        super().__init__()
        self.class_names = class_names

    def __missing__(self, key):
        names = self.class_names
        value = self[key] = {names[cid]: amount for cid, amount in key}
        return value

    def of(self, res):
        return self[tuple(res.items())]


def _allocation_request(version, candidate, uuid_of, resources):
    of = resources.of
    if version >= (1, 12):
        allocations = {uuid_of[rp_id]: {'resources': of(res)}
                       for rp_id, res in candidate.allocations.items()}
    else:
        allocations = [
            {'resource_provider': {'uuid': uuid_of[rp_id]},
             'resources': of(res)}
            for rp_id, res in candidate.allocations.items()]
    body = {'allocations': allocations}
    if version >= (1, 34):
        body['mappings'] = {suffix: [uuid_of[rp] for rp in rps]
                            for suffix, rps in candidate.mappings.items()}
    return body


def _provider_summaries(version, result):
    summaries = {}
    for summary in result.summaries.values():
        body = {'resources': summary.resources}
        if version >= (1, 17):
            body['traits'] = summary.traits
        if version >= (1, 29):
            body['parent_provider_uuid'] = summary.parent_uuid
            body['root_provider_uuid'] = summary.root_uuid
        summaries[summary.uuid] = body
    return summaries
