"""The comparison itself: what counts as a difference and what is
masked."""
import json

from tests.differential import compare

UUID = '8d3fcc0c-2bd5-4a3c-9d55-6e1f2f3f6a11'


def answer(status=200, body=None, **headers):
    headers = {k.replace('_', '-'): v for k, v in headers.items()}
    headers.setdefault('content-type', 'application/json')
    return compare.Response(status, headers,
                            json.dumps(body).encode() if body is not None
                            else b'')


def classes(up, ours, request=None, known=()):
    request = request or compare.Request('GET', '/x')
    return [c for c, _ in compare.differences(request, up, ours,
                                              set(known))]


def test_equal_answers_have_no_difference():
    body = {'a': [1, 2], 'errors': [{'code': 'x', 'request_id': 'req-1'}]}
    other = {'a': [1, 2], 'errors': [{'code': 'x', 'request_id': 'req-2'}]}
    assert classes(answer(body=body), answer(body=other)) == []


def test_status_error_code_and_detail():
    up = answer(400, {'errors': [{'code': 'a', 'detail': 'd'}]})
    assert classes(up, answer(404, {'errors': [{'code': 'a',
                                                'detail': 'd'}]})) == [
        'status']
    assert classes(up, answer(400, {'errors': [{'code': 'b',
                                                'detail': 'd'}]})) == [
        'error_code', 'body']
    assert classes(up, answer(400, {'errors': [{'code': 'a',
                                                'detail': 'e'}]})) == [
        'error_detail']


def test_headers_by_value_and_last_modified_by_presence():
    up = answer(body={}, last_modified='Mon, 01 Jan 2024 00:00:00 GMT',
                cache_control='no-cache')
    later = answer(body={}, last_modified='Tue, 02 Jan 2024 00:00:00 GMT',
                   cache_control='no-cache')
    assert classes(up, later) == []
    assert classes(up, answer(body={}, cache_control='no-cache')) == [
        'header']
    assert classes(answer(body={}, location='http://127.0.0.1:1/rp/a'),
                   answer(body={}, location='http://127.0.0.1:2/rp/a')) == []
    assert classes(answer(body={}, location='/rp/a'),
                   answer(body={}, location='/rp/b')) == ['header']


def test_key_and_list_order():
    assert classes(answer(body={'a': 1, 'b': 2}),
                   answer(body={'b': 2, 'a': 1})) == ['ordering']
    assert classes(answer(body={'a': [1, 2]}),
                   answer(body={'a': [2, 1]})) == ['ordering']
    unordered = compare.Request('GET', '/x', unordered=('a',))
    assert classes(answer(body={'a': [1, 2]}), answer(body={'a': [2, 1]}),
                   request=unordered) == []


def test_server_chosen_uuids_are_masked_client_chosen_ones_compared():
    other = '11111111-2222-4333-8444-555555555555'
    third = '99999999-2222-4333-8444-555555555555'
    # Two generated uuids, each named twice: same structure, no difference.
    assert classes(answer(body={'u': other, 'v': [other]}),
                   answer(body={'u': third, 'v': [third]})) == []
    assert classes(answer(body={'u': other, 'v': [other]}),
                   answer(body={'u': third, 'v': [other]})) == ['body']
    # A uuid the client chose is compared as it is, spelling included.
    assert classes(answer(body={'u': UUID}), answer(body={'u': other}),
                   known=[UUID]) == ['body']
    assert classes(answer(body={'u': UUID}),
                   answer(body={'u': UUID.upper()}), known=[UUID]) == [
        'body']


def test_quoted_lists_in_error_details_compare_without_order():
    """Upstream quotes some Python sets in its messages ("bad group(s) -
    ['2', '1']"), in an order that changes with its hash seed."""
    def error(detail, title='Bad Request'):
        return answer(400, {'errors': [{'code': 'a', 'detail': detail,
                                        'title': title}]})
    up = error("bad group(s) - ['2', '1'].")
    assert classes(up, error("bad group(s) - ['1', '2'].")) == []
    assert classes(up, error("bad group(s) - ['1', '3'].")) == [
        'error_detail']
    assert classes(up, error("bad group(s) - ['1', '2'].", 'Other')) == [
        'error_detail']


def test_upstream_overcount_is_explained_only_when_ours_is_exact():
    from tests.differential import deviations
    request = compare.Request(
        'GET', '/allocation_candidates',
        query=[('resources', 'C:1'), ('resources_G', 'D:1,C:2'),
               ('group_policy', 'isolate')])
    summaries = {'r': {'traits': ['A', 'B']}, 'c': {'traits': []}}

    def candidates(*allocations, traits=('A', 'B')):
        body = {'allocation_requests': [
            {'allocations': {rp: {'resources': res}
                             for rp, res in alloc.items()}}
            for alloc in allocations],
            'provider_summaries': dict(summaries,
                                       r={'traits': list(traits)})}
        return answer(body=body)
    exact = {'r': {'C': 1}, 'c': {'D': 1, 'C': 2}}
    twice = {'r': {'C': 3}, 'c': {'D': 1, 'C': 2}}
    up = candidates(twice, exact)
    ours = candidates(exact, {'r': {'C': 3, 'D': 1}}, traits=('B', 'A'))
    assert deviations.explain(request, up, ours, 'body', '') == (
        'Upstream over-counts under isolate')
    # Upstream's over-counted candidates merge: it may list fewer.
    assert deviations.explain(request, up, candidates(exact), 'body',
                              '') == 'Upstream over-counts under isolate'
    # Not when this service's answer is the one that over-counts, nor
    # when it misses an exact candidate of upstream's.
    assert deviations.explain(request, ours, up, 'body', '') is None
    assert deviations.explain(request, up, candidates({'r': {'C': 3,
                                                              'D': 1}}),
                              'body', '') is None


def test_sharing_only_extra_candidates_are_explained_only_as_such():
    from tests.differential import deviations
    request = compare.Request(
        'GET', '/allocation_candidates',
        query=[('resources', 'DISK_GB:10'), ('resources1', 'VCPU:1'),
               ('group_policy', 'none')])
    summaries = {'pool': {'traits': ['MISC_SHARES_VIA_AGGREGATE']},
                 'root': {'traits': []}, 'numa': {'traits': []}}

    def candidate(disk_from, vcpu_from):
        return {'allocations': {disk_from: {'resources': {'DISK_GB': 10}},
                                vcpu_from: {'resources': {'VCPU': 1}}},
                'mappings': {'': [disk_from], '1': [vcpu_from]}}

    def answer_of(*candidates):
        return answer(body={'allocation_requests': list(candidates),
                            'provider_summaries': summaries})
    up = answer_of(candidate('root', 'numa'))
    ours = answer_of(candidate('root', 'numa'), candidate('pool', 'numa'))
    assert deviations.explain(request, up, ours, 'body', '') == (
        'Sharing providers alone for the unsuffixed group')
    # Not when the extra candidate takes the disk from the tree, nor when
    # one of upstream's candidates is missing here.
    assert deviations.explain(
        request, up, answer_of(candidate('root', 'numa'),
                               candidate('numa', 'root')),
        'body', '') is None
    assert deviations.explain(request, up, answer_of(
        candidate('pool', 'numa')), 'body', '') is None
