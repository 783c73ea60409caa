"""GET /allocation_candidates/explain: why GET /allocation_candidates
with the same query string finds what it finds (see
placement/objects/search/explain.py). Same parsing, validation,
microversions and policy rule as the candidate query; the answer is an
extension unknown to upstream clients."""
from placement.handlers import allocation_candidate
from placement.handlers import util
from placement import microversion
from placement.objects.search import explain as explain_search


@microversion.min_version('1.10')
@util.answers_json
def explain_allocation_candidates(req):
    context, _version, query = allocation_candidate.candidate_query(req)
    with util.gc_paused():
        with util.unknown_names_are_bad_requests():
            body = explain_search.explain(context, query)
    return util.json_response(req, body)
