"""GET /resource_providers: the provider list and its filters."""
from placement.handlers import resource_provider
from placement.handlers import util
from placement.objects.search import providers as provider_search
from placement.policies import resource_provider as policies
from placement import request_group
from placement.schemas import resource_provider_list as schema


@util.answers_json
def list_resource_providers(req):
    util.context(req).can(policies.LIST)
    version = util.version(req)
    util.validate_query(req, schema.for_version(version))
    flt = request_group.parse_provider_filter(req.GET, version)
    with util.gc_paused():
        with util.unknown_names_are_bad_requests(
                'Invalid trait(s) in "required" parameter: '):
            return _response(req, flt)


def _response(req, flt):
    # The providers and the body die when this returns, before the
    # garbage collector resumes (see allocation_candidate).
    found = provider_search.list_providers(util.context(req), flt)
    body_of = resource_provider.provider_serializer(req)
    body = {'resource_providers': [body_of(rp) for rp in found]}
    return util.json_response(
        req, body, last_modified=util.latest(
            t for rp in found for t in (rp.created_at, rp.updated_at)))
