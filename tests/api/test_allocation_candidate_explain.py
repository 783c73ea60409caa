"""GET /allocation_candidates/explain through the HTTP API.

Layout (tests.data, direct SQL): four flat computes with VCPU 8 and
MEMORY_MB 4096, 8192, 16384 and 16384 (one of them with 12288 used),
cn1 and cn2 with HW_CPU_X86_AVX2, cn1 and cn3 in aggregate A; and one
nested compute ``nested`` (no inventory) whose two NUMA children each have
VCPU 4 and MEMORY_MB 4096.
"""
import uuid

import pytest

from placement.objects.search import candidates as candidate_search
from tests import data

EX = '/allocation_candidates/explain'
AC = '/allocation_candidates'


@pytest.fixture
def cloud(db):
    rps = {}
    agg = str(uuid.uuid4())
    for name, memory in (('cn1', 4096), ('cn2', 8192), ('cn3', 16384),
                         ('cn4', 16384)):
        rps[name] = data.create_provider(db, name)
        data.add_inventory(db, rps[name], 'VCPU', 8)
        data.add_inventory(db, rps[name], 'MEMORY_MB', memory,
                           step_size=1024 if name == 'cn3' else 1)
    data.allocate(db, str(uuid.uuid4()), {rps['cn4']: {'MEMORY_MB': 12288}})
    data.set_traits(db, rps['cn1'], 'HW_CPU_X86_AVX2')
    data.set_traits(db, rps['cn2'], 'HW_CPU_X86_AVX2')
    data.set_aggregates(db, rps['cn1'], agg)
    data.set_aggregates(db, rps['cn3'], agg)
    rps['nested'] = data.create_provider(db, 'nested')
    for i in (0, 1):
        numa = data.create_provider(db, 'numa%d' % i, parent=rps['nested'])
        rps['numa%d' % i] = numa
        data.add_inventory(db, numa, 'VCPU', 4)
        data.add_inventory(db, numa, 'MEMORY_MB', 4096)
    rps['agg'] = agg
    return rps


def _steps(group):
    return [(s['constraint'], s.get('resource_class'), s['kept'],
             s['eliminated']) for s in group['constraints']]


def test_funnel_counts_each_constraint_in_order(client, cloud):
    query = ('?resources=VCPU:2,MEMORY_MB:6144&required=HW_CPU_X86_AVX2'
             '&member_of=%s' % cloud['agg'])
    response = client.get(EX + query)
    assert response.status == 200, response
    body = response.json
    (group,) = body['groups']
    assert (group['suffix'], group['counts'], group['total']) == (
        '', 'trees', 5)
    # Trees: cn1..cn4 and nested (its NUMA children count as one tree).
    assert _steps(group) == [
        ('resource_class', 'MEMORY_MB', 5, 0),
        ('resource_class', 'VCPU', 5, 0),
        # cn1 (4096), cn4 (4096 free) and nested (4096 per NUMA node)
        ('capacity', 'MEMORY_MB', 2, 3),
        ('capacity', 'VCPU', 2, 0),
        # cn3 takes memory in steps of 1024: 6144 is fine
        ('min_unit/max_unit/step_size', 'MEMORY_MB', 2, 0),
        ('min_unit/max_unit/step_size', 'VCPU', 2, 0),
        ('required_trait', None, 1, 1),  # cn3 lacks AVX2
        ('member_of', None, 0, 1),       # cn2 is not in the aggregate
    ]
    capacity = group['constraints'][2]
    assert capacity['requested'] == 6144
    assert capacity['shortfall'] == 2048
    assert body['candidates'] == 0
    # The ones that came closest got furthest: cn2 (failed member_of)
    # before cn3 (failed the trait), then the capacity failures, the
    # smallest shortfall first.
    closest = [(c['name'], c['excluded_by']['constraint'])
               for c in body['closest']]
    assert closest[:2] == [('cn2', 'member_of'), ('cn3', 'required_trait')]
    assert closest[2][1] == 'capacity'
    assert body['closest'][2]['excluded_by']['short_by'] == 2048
    assert body['suggestions'] == [
        'unsuffixed group: without member_of %s, 1 tree would pass it'
        % cloud['agg']]


def test_empty_answer_suggests_the_amount_that_fits(client, cloud):
    response = client.get(EX + '?resources=MEMORY_MB:32768')
    body = response.json
    assert body['candidates'] == 0
    assert body['groups'][0]['constraints'][1]['kept'] == 0
    # 16384 fits cn3 only (cn4 has 12288 of its 16384 used).
    assert body['suggestions'] == [
        'unsuffixed group: MEMORY_MB:16384 fits 1 tree that meets every '
        'other constraint of the group, 32768 fits none']
    closest = body['closest'][0]
    assert closest['name'] == 'cn3'
    assert closest['excluded_by'] == {
        'constraint': 'capacity', 'resource_class': 'MEMORY_MB',
        'requested': 32768, 'free': 16384, 'short_by': 16384}


def test_a_found_answer_is_counted_like_the_candidates(client, cloud):
    query = '?resources=VCPU:2,MEMORY_MB:2048&limit=3'
    body = client.get(EX + query).json
    found = client.get(AC + query).json['allocation_requests']
    assert body['candidates'] == len(found) == 3
    assert body['groups'][0]['left'] == 5
    request = {s['constraint']: s for s in body['request']}
    assert request['every_group_in_one_tree']['kept'] == 5
    # Two trees the search did not need to examine for 3 candidates.
    assert request['limit'] == {'constraint': 'limit', 'limit': 3,
                                'candidates': 3, 'trees_not_examined': 2}
    assert request['combination'] == {'constraint': 'combination',
                                      'kept': 3, 'eliminated': 0}
    assert body['suggestions'] == []


def test_granular_groups_isolate_and_providers(client, cloud):
    # Two NUMA-sized groups: only nested has two providers for them, and
    # isolate is what a single compute fails.
    query = ('?resources1=VCPU:4&resources2=VCPU:4&group_policy=isolate')
    body = client.get(EX + query).json
    groups = {g['suffix']: g for g in body['groups']}
    assert groups['1']['counts'] == 'providers'
    assert groups['1']['total'] == 7
    # cn1..cn4, numa0, numa1 have 4 VCPU free; nested has no inventory.
    assert _steps(groups['1'])[:2] == [
        ('resource_class', 'VCPU', 6, 1), ('capacity', 'VCPU', 6, 0)]
    request = {s['constraint']: s for s in body['request']}
    assert request['every_group_in_one_tree']['kept'] == 5
    assert request['group_policy'] == {
        'constraint': 'group_policy', 'policy': 'isolate', 'kept': 1,
        'eliminated': 4}
    found = client.get(AC + query).json['allocation_requests']
    assert body['candidates'] == len(found) == 2


def test_root_required_and_forbidden(client, cloud):
    query = ('?resources=VCPU:1&required=!HW_CPU_X86_AVX2'
             '&root_required=HW_CPU_X86_AVX2')
    body = client.get(EX + query).json
    assert _steps(body['groups'][0])[-1] == ('forbidden_traits', None, 3, 2)
    request = {s['constraint']: s for s in body['request']}
    assert request['root_required']['kept'] == 0
    assert body['candidates'] == 0
    assert body['suggestions'] == ['without root_required, 3 trees would '
                                   'pass it']


def test_same_query_rules_as_the_candidates(client, cloud):
    for query in ('', '?resources=VCPU:x', '?resources=VCPU:1&bogus=1',
                  '?resources=CUSTOM_NOPE:1',
                  '?resources=VCPU:1&required=CUSTOM_NOPE',
                  '?resources1=VCPU:1&resources2=VCPU:1'):
        explained = client.get(EX + query)
        listed = client.get(AC + query)
        assert explained.status == listed.status == 400, (query, explained)
        assert (explained.json['errors'][0]['detail'] ==
                listed.json['errors'][0]['detail'])
    # Microversions: absent before 1.10 like the candidates.
    assert client.get(EX + '?resources=VCPU:1', version='1.9').status == 404
    assert client.get(EX + '?resources=VCPU:1', version='1.10').status == 200
    # Policy: the candidate rule.
    reader = client.get(EX + '?resources=VCPU:1',
                        headers={'x-auth-token': 'someone:project',
                                 'x-roles': 'reader'})
    assert reader.status == 403
    # An unknown aggregate or tree keeps nothing, without an error.
    body = client.get(EX + '?resources=VCPU:1&member_of=%s&in_tree=%s' % (
        uuid.uuid4(), uuid.uuid4())).json
    assert body['candidates'] == 0
    assert _steps(body['groups'][0])[-2:] == [
        ('member_of', None, 0, 5), ('in_tree', None, 0, 0)]


def test_sharing_providers_count_in_the_request_half(client, cloud, db):
    ss = data.create_provider(db, 'ss')
    data.add_inventory(db, ss, 'DISK_GB', 1000)
    data.set_traits(db, ss, 'MISC_SHARES_VIA_AGGREGATE')
    data.set_aggregates(db, ss, cloud['agg'])
    query = '?resources=VCPU:1,DISK_GB:100'
    body = client.get(EX + query).json
    # No tree has both classes itself...
    assert body['groups'][0]['left'] == 0
    # ...but cn1 and cn3 get the disk from the sharing provider.
    found = client.get(AC + query).json['allocation_requests']
    assert body['candidates'] == len(found) == 2
    assert body['search']['sharing_providers'] == 1
    request = {s['constraint']: s for s in body['request']}
    assert request['sharing'] == {'constraint': 'sharing', 'providers': 1,
                                  'trees_served_only_with_sharing': 2}
    assert body['suggestions'] == []
    # No tree, and no sharing provider, has 64 GiB: not worth searching,
    # although the sharing provider could serve the disk.
    query = '?resources=MEMORY_MB:65536,DISK_GB:100'
    body = client.get(EX + query).json
    assert client.get(AC + query).json['allocation_requests'] == []
    assert body['candidates'] == 0
    assert body['search']['trees_examined'] == 0
    assert body['search']['note'].startswith('not searched')


def test_a_bounded_search_stops_like_the_candidates(client, cloud):
    body = client.get(EX + '?resources=VCPU:1&limit=1').json
    assert body['candidates'] == 1
    assert body['request'][-1] == {'constraint': 'limit', 'limit': 1,
                                   'candidates': 1, 'trees_not_examined': 4}
    assert body['search']['trees_examined'] == 5
    # The funnel still counts every provider.
    assert body['groups'][0]['left'] == 5


def test_amounts_beyond_any_column_are_no_error(client, cloud):
    query = '?resources=VCPU:99999999999999999999999&limit=%d' % (2 ** 70)
    listed = client.get(AC + query)
    explained = client.get(EX + query)
    assert explained.status == listed.status, (explained, listed)
    if explained.status == 200:
        body = explained.json
        assert body['candidates'] == 0
        assert body['groups'][0]['constraints'][1]['kept'] == 0


def test_forbidden_aggregates_and_traits_in_both_kinds_of_group(client,
                                                                 cloud):
    query = ('?resources=VCPU:1&member_of=!%s'
             '&resources1=VCPU:1&required1=!HW_CPU_X86_AVX2'
             '&group_policy=none' % cloud['agg'])
    body = client.get(EX + query).json
    groups = {g['suffix']: g for g in body['groups']}
    # Trees: cn1 and cn3 are in the forbidden aggregate.
    assert _steps(groups[''])[-1] == ('forbidden_aggregates', None, 3, 2)
    # Providers with VCPU: cn1..cn4, numa0, numa1; cn1, cn2 have AVX2.
    assert _steps(groups['1'])[-1] == ('forbidden_traits', None, 4, 2)
    found = client.get(AC + query).json['allocation_requests']
    assert body['candidates'] == len(found) > 0


def test_groups_that_fit_alone_but_not_together(client, cloud):
    # 5 VCPU fits cn1..cn4 (8 each) once, never twice.
    query = '?resources1=VCPU:5&resources2=VCPU:5&group_policy=none'
    body = client.get(EX + query).json
    request = {s['constraint']: s for s in body['request']}
    assert request['every_group_in_one_tree']['kept'] == 4
    assert request['combination'] == {'constraint': 'combination',
                                      'kept': 0, 'eliminated': 4}
    assert body['candidates'] == 0
    assert body['suggestions'][0].startswith(
        '4 trees can serve each group on its own but not all of them')


def test_a_smaller_amount_is_counted_where_the_rest_is_met(client, cloud):
    # 10000 would fit cn3, which lacks the trait; 5000 fits cn2, which has
    # it.
    body = client.get(EX + '?resources=MEMORY_MB:20000'
                      '&required=HW_CPU_X86_AVX2').json
    assert body['suggestions'] == [
        'unsuffixed group: MEMORY_MB:5000 fits 1 tree that meets every '
        'other constraint of the group, 20000 fits none']


def test_bounded_explain_counts_the_chunk_the_search_examined(
        client, cloud, monkeypatch):
    """Trees are read in chunks of root ids, as the candidate query reads
    them: when the first chunk yields the limit, the group counts cover
    that chunk only (and say so); when it does not, every tree."""
    monkeypatch.setattr(candidate_search, '_FIRST_CHUNK', 2)
    # cn1 and cn2 (the first two roots) each take 2 VCPU and 2 GiB.
    body = client.get(EX + '?resources=VCPU:2,MEMORY_MB:2048&limit=1').json
    assert body['candidates'] == 1
    assert body['groups'][0]['total'] == 2
    assert body['search']['trees_examined'] == 2
    assert 'the first 2 trees' in body['search']['note']
    # Nothing in the first two roots takes 16 GiB: every tree is counted.
    body = client.get(EX + '?resources=VCPU:2,MEMORY_MB:16384&limit=1').json
    assert body['candidates'] == 1
    assert body['groups'][0]['total'] == 5
    assert body['groups'][0]['left'] == 1  # cn3
    assert 'first 2 trees' not in body['search'].get('note', '')
