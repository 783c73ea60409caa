"""GET /allocation_candidates through the HTTP API.

The data is written with tests.data (direct SQL) so that these tests only
depend on the candidate search. Layouts:

* ``shared_storage``: cn1 (VCPU, MEMORY_MB; SSE traits) and cn2 (VCPU,
  MEMORY_MB, DISK_GB), each with two NUMA children holding one PF
  (SRIOV_NET_VF 8) each; ss1/ss2 share DISK_GB with both computes through
  one aggregate.
* ``numa_host``: one compute (no inventory) with two NUMA nodes
  (HW_NUMA_ROOT, VCPU 4, MEMORY_MB 2048) and two FPGA devices under
  numa1 and one under numa0.
"""
import uuid

import pytest

from tests import data

AC = '/allocation_candidates'
SIMPLE = AC + '?resources=VCPU:1,MEMORY_MB:1024,DISK_GB:100'


class Layout(dict):
    """name -> ResourceProvider, with the aggregate uuids used."""

    def uuid(self, name):
        return self[name].uuid

    def name_of(self, rp_uuid):
        return next(n for n, rp in self.items() if rp.uuid == rp_uuid)


def shared_storage(db):
    layout = Layout()
    layout.agg = str(uuid.uuid4())
    for name in ('cn1', 'cn2', 'ss1', 'ss2'):
        layout[name] = data.create_provider(db, name)
        data.set_aggregates(db, layout[name], layout.agg)
    for cn in ('cn1', 'cn2'):
        data.add_inventory(db, layout[cn], 'VCPU', 24, allocation_ratio=16.0)
        data.add_inventory(db, layout[cn], 'MEMORY_MB', 131072,
                           allocation_ratio=1.5)
        for i in (1, 2):
            numa = '%s_numa%d' % (cn, i)
            layout[numa] = data.create_provider(db, numa, parent=layout[cn])
            pf = '%s_pf%d' % (cn, i)
            layout[pf] = data.create_provider(db, pf, parent=layout[numa])
            data.add_inventory(db, layout[pf], 'SRIOV_NET_VF', 8)
    data.set_traits(db, layout['cn1'], 'HW_CPU_X86_SSE', 'HW_CPU_X86_SSE2')
    data.add_inventory(db, layout['cn2'], 'DISK_GB', 2000, reserved=100)
    for ss in ('ss1', 'ss2'):
        data.add_inventory(db, layout[ss], 'DISK_GB', 2000, reserved=100)
        data.set_traits(db, layout[ss], 'MISC_SHARES_VIA_AGGREGATE')
    return layout


def numa_host(db):
    layout = Layout()
    layout['cn'] = data.create_provider(db, 'cn')
    data.set_traits(db, layout['cn'], 'COMPUTE_VOLUME_MULTI_ATTACH')
    for i in (0, 1):
        numa = layout['numa%d' % i] = data.create_provider(
            db, 'numa%d' % i, parent=layout['cn'])
        data.set_traits(db, numa, 'HW_NUMA_ROOT',
                        *(['CUSTOM_FOO'] if i else []))
        data.add_inventory(db, numa, 'VCPU', 4)
        data.add_inventory(db, numa, 'MEMORY_MB', 2048)
    for name, parent in (('fpga0', 'numa0'), ('fpga1_0', 'numa1'),
                         ('fpga1_1', 'numa1')):
        layout[name] = data.create_provider(db, name, parent=layout[parent])
        data.add_inventory(db, layout[name], 'FPGA', 1)
    return layout


def providers_of(body):
    """Each allocation request as a sorted tuple of provider uuids."""
    found = []
    for areq in body['allocation_requests']:
        allocations = areq['allocations']
        if isinstance(allocations, list):
            uuids = [a['resource_provider']['uuid'] for a in allocations]
        else:
            uuids = list(allocations)
        found.append(tuple(sorted(uuids)))
    return sorted(found)


def names_of(layout, body):
    return sorted(tuple(sorted(layout.name_of(u) for u in uuids))
                  for uuids in providers_of(body))


def test_exists_from_1_10_with_list_then_dict_form(client, db):
    layout = shared_storage(db)
    assert client.get(SIMPLE, version='1.9').status == 404
    old = client.get(SIMPLE, version='1.10')
    assert old.status == 200
    assert 'cache-control' not in old.headers
    assert 'last-modified' not in old.headers
    first = old.json['allocation_requests'][0]['allocations']
    assert isinstance(first, list)
    assert set(first[0]) == {'resource_provider', 'resources'}
    new = client.get(SIMPLE, version='1.12')
    assert isinstance(new.json['allocation_requests'][0]['allocations'],
                      dict)
    assert providers_of(old.json) == providers_of(new.json)
    assert names_of(layout, new.json) == [
        ('cn1', 'ss1'), ('cn1', 'ss2'), ('cn2',), ('cn2', 'ss1'),
        ('cn2', 'ss2')]
    cached = client.get(SIMPLE, version='1.15')
    assert cached.headers['cache-control'] == 'no-cache'
    assert 'last-modified' in cached.headers


def test_sharing_amounts_and_summaries(client, db):
    layout = shared_storage(db)
    body = client.get(SIMPLE, version='1.12').json
    for areq in body['allocation_requests']:
        allocations = areq['allocations']
        cn1 = allocations.get(layout.uuid('cn1'))
        if cn1:
            assert cn1['resources'] == {'VCPU': 1, 'MEMORY_MB': 1024}
        for ss in ('ss1', 'ss2'):
            if layout.uuid(ss) in allocations:
                assert allocations[layout.uuid(ss)]['resources'] == {
                    'DISK_GB': 100}
    summaries = body['provider_summaries']
    assert set(summaries) == {layout.uuid(n)
                              for n in ('cn1', 'cn2', 'ss1', 'ss2')}
    assert summaries[layout.uuid('cn1')]['resources'] == {
        'VCPU': {'capacity': 384, 'used': 0},
        'MEMORY_MB': {'capacity': 196608, 'used': 0}}
    assert summaries[layout.uuid('ss1')]['resources'] == {
        'DISK_GB': {'capacity': 1900, 'used': 0}}


def test_usage_capacity_and_unit_constraints(client, db):
    cn = data.create_provider(db, 'cn')
    data.add_inventory(db, cn, 'VCPU', 8, reserved=2)
    data.add_inventory(db, cn, 'DISK_GB', 100, min_unit=10, max_unit=50,
                       step_size=10)
    data.allocate(db, data.new_uuid(), {cn: {'VCPU': 4}})

    def count(query):
        response = client.get(AC + '?resources=' + query, version='1.27')
        assert response.status == 200, response
        return len(response.json['allocation_requests'])

    assert count('VCPU:2') == 1
    assert count('VCPU:3') == 0
    assert count('DISK_GB:20') == 1
    assert count('DISK_GB:5') == 0
    assert count('DISK_GB:60') == 0
    assert count('DISK_GB:25') == 0
    summary = client.get(AC + '?resources=VCPU:1', version='1.27').json[
        'provider_summaries'][cn.uuid]['resources']
    assert summary == {'VCPU': {'capacity': 6, 'used': 4},
                       'DISK_GB': {'capacity': 100, 'used': 0}}


def test_summaries_by_microversion(client, db):
    layout = shared_storage(db)
    query = AC + '?resources=VCPU:1'
    old = client.get(query, version='1.16').json['provider_summaries']
    assert set(old[layout.uuid('cn2')]) == {'resources'}
    assert set(old[layout.uuid('cn2')]['resources']) == {'VCPU'}
    traits = client.get(query, version='1.17').json['provider_summaries']
    assert sorted(traits[layout.uuid('cn1')]['traits']) == [
        'HW_CPU_X86_SSE', 'HW_CPU_X86_SSE2']
    assert set(client.get(query, version='1.26').json[
        'provider_summaries'][layout.uuid('cn2')]['resources']) == {'VCPU'}
    assert set(client.get(query, version='1.27').json[
        'provider_summaries'][layout.uuid('cn2')]['resources']) == {
        'VCPU', 'MEMORY_MB', 'DISK_GB'}
    pre_nested = client.get(query, version='1.28').json['provider_summaries']
    assert set(pre_nested) == {layout.uuid('cn1'), layout.uuid('cn2')}
    nested = client.get(query, version='1.29').json['provider_summaries']
    # Whole trees of the candidates; not the unused sharing providers.
    assert len(nested) == 10
    pf = nested[layout.uuid('cn1_pf1')]
    assert pf['parent_provider_uuid'] == layout.uuid('cn1_numa1')
    assert pf['root_provider_uuid'] == layout.uuid('cn1')
    assert pf['resources'] == {'SRIOV_NET_VF': {'capacity': 8, 'used': 0}}


def test_nested_providers_from_1_29(client, db):
    layout = shared_storage(db)
    query = AC + '?resources=VCPU:1,SRIOV_NET_VF:4'
    assert client.get(query, version='1.28').json[
        'allocation_requests'] == []
    body = client.get(query, version='1.29').json
    assert names_of(layout, body) == [
        ('cn1', 'cn1_pf1'), ('cn1', 'cn1_pf2'), ('cn2', 'cn2_pf1'),
        ('cn2', 'cn2_pf2')]
    # Before 1.29 a child can still serve alone, or with sharing disk.
    alone = client.get(AC + '?resources=SRIOV_NET_VF:4', version='1.28')
    assert len(alone.json['allocation_requests']) == 4
    shared = client.get(AC + '?resources=DISK_GB:10,SRIOV_NET_VF:4',
                        version='1.28').json
    assert len(shared['allocation_requests']) == 8
    assert len(shared['provider_summaries']) == 6


def test_required_forbidden_and_any_traits(client, db):
    layout = shared_storage(db)
    response = client.get(SIMPLE + '&required=HW_CPU_X86_SSE',
                          version='1.16')
    assert response.status == 400
    body = client.get(SIMPLE + '&required=HW_CPU_X86_SSE',
                      version='1.17').json
    assert names_of(layout, body) == [('cn1', 'ss1'), ('cn1', 'ss2')]
    body = client.get(SIMPLE + '&required=!HW_CPU_X86_SSE',
                      version='1.22').json
    assert names_of(layout, body) == [('cn2',), ('cn2', 'ss1'),
                                      ('cn2', 'ss2')]
    # Any-of and repeated required are ANDed from 1.39.
    body = client.get(
        SIMPLE + '&required=in:HW_CPU_X86_SSE,MISC_SHARES_VIA_AGGREGATE'
        '&required=!HW_CPU_X86_SSE2', version='1.39').json
    # cn2 alone has neither trait; with a sharing provider it has one.
    assert names_of(layout, body) == [('cn2', 'ss1'), ('cn2', 'ss2')]
    # Before 1.39 the last 'required' wins.
    body = client.get(SIMPLE + '&required=HW_CPU_X86_AVX'
                      '&required=HW_CPU_X86_SSE', version='1.38').json
    assert len(body['allocation_requests']) == 2
    response = client.get(SIMPLE + '&required=BOGUS_TRAIT', version='1.17')
    assert response.status == 400
    assert 'No such trait(s): BOGUS_TRAIT' in response.json['errors'][0][
        'detail']


def test_member_of_and_forbidden_aggregates(client, db):
    agg_a, agg_b, agg_c = (str(uuid.uuid4()) for _ in range(3))
    cns = {}
    for name, aggs in (('cn1', [agg_a]), ('cn2', [agg_a, agg_b]),
                       ('cn3', [])):
        cns[name] = data.create_provider(db, name)
        data.add_inventory(db, cns[name], 'VCPU', 8)
        data.set_aggregates(db, cns[name], *aggs)
    # A child whose root is in agg_c: the root's aggregates span the tree.
    child = data.create_provider(db, 'child', parent=cns['cn3'])
    data.add_inventory(db, child, 'CUSTOM_MAGIC', 4)
    data.set_aggregates(db, cns['cn3'], agg_c)
    names = {rp.uuid: n for n, rp in cns.items()}

    def found(query, version='1.32'):
        response = client.get(AC + '?resources=VCPU:1&' + query,
                              version=version)
        assert response.status == 200, response
        return sorted(names[u] for u in providers_of(response.json)
                      for u in u)

    assert client.get(AC + '?resources=VCPU:1&member_of=' + agg_a,
                      version='1.20').status == 400
    assert found('member_of=' + agg_a, '1.21') == ['cn1', 'cn2']
    assert found('member_of=in:%s,%s' % (agg_b, agg_c), '1.21') == [
        'cn2', 'cn3']
    assert found('member_of=%s&member_of=%s' % (agg_a, agg_b),
                 '1.24') == ['cn2']
    assert found('member_of=!' + agg_b) == ['cn1', 'cn3']
    assert found('member_of=!in:%s,%s' % (agg_b, agg_c)) == ['cn1']
    assert found('member_of=' + str(uuid.uuid4())) == []
    body = client.get(AC + '?resources=CUSTOM_MAGIC:1&member_of=' + agg_c,
                      version='1.32').json
    assert providers_of(body) == [(child.uuid,)]
    body = client.get(AC + '?resources=CUSTOM_MAGIC:1&member_of=!' + agg_c,
                      version='1.32').json
    assert providers_of(body) == []
    # A suffixed group's provider must be in the aggregate itself.
    for query, found in (('member_of1=' + agg_c, []),
                         ('member_of1=!' + agg_c, [(child.uuid,)])):
        body = client.get(AC + '?resources1=CUSTOM_MAGIC:1&' + query,
                          version='1.32').json
        assert providers_of(body) == found, query


def test_granular_groups_and_policy(client, db):
    layout = shared_storage(db)
    query = AC + '?resources1=VCPU:1,MEMORY_MB:1024&resources2=DISK_GB:100'
    assert client.get(query + '&group_policy=none',
                      version='1.24').status == 400
    none = client.get(query + '&group_policy=none', version='1.25').json
    assert names_of(layout, none) == [
        ('cn1', 'ss1'), ('cn1', 'ss2'), ('cn2',), ('cn2', 'ss1'),
        ('cn2', 'ss2')]
    isolate = client.get(query + '&group_policy=isolate',
                         version='1.25').json
    assert names_of(layout, isolate) == [
        ('cn1', 'ss1'), ('cn1', 'ss2'), ('cn2', 'ss1'), ('cn2', 'ss2')]
    # Groups served by one provider add up before the max_unit check
    # (max_unit is 24): 3 x 8 VCPU fit, 3 x 8 + 1 do not.
    fits = client.get(AC + '?resources=VCPU:8&resources1=VCPU:8'
                      '&resources2=VCPU:8&group_policy=none',
                      version='1.25').json
    assert len(fits['allocation_requests']) == 2
    assert {a['allocations'][next(iter(a['allocations']))]['resources'][
        'VCPU'] for a in fits['allocation_requests']} == {24}
    full = client.get(AC + '?resources=VCPU:8&resources1=VCPU:8'
                      '&resources2=VCPU:8&resources3=VCPU:1'
                      '&group_policy=none', version='1.25').json
    assert full['allocation_requests'] == []


def test_string_suffixes_and_mappings(client, db):
    layout = shared_storage(db)
    query = (AC + '?resources=VCPU:1&resources_DISK=DISK_GB:10'
             '&required=HW_CPU_X86_SSE')
    assert client.get(query, version='1.32').status == 400
    old = client.get(query, version='1.33').json
    assert 'mappings' not in old['allocation_requests'][0]
    body = client.get(query, version='1.34').json
    mappings = sorted(
        (a['mappings'][''], a['mappings']['_DISK'])
        for a in body['allocation_requests'])
    assert mappings == sorted([
        ([layout.uuid('cn1')], [layout.uuid('ss1')]),
        ([layout.uuid('cn1')], [layout.uuid('ss2')])])


def test_in_tree(client, db):
    layout = shared_storage(db)
    query = AC + '?resources=VCPU:1,SRIOV_NET_VF:4&in_tree='
    assert client.get(query + layout.uuid('cn1'),
                      version='1.30').status == 400
    body = client.get(query + layout.uuid('cn1_pf2'), version='1.31').json
    assert names_of(layout, body) == [('cn1', 'cn1_pf1'),
                                      ('cn1', 'cn1_pf2')]
    assert len(body['provider_summaries']) == 5
    # The unsuffixed group in a tree does not reach sharing providers...
    body = client.get(AC + '?resources=VCPU:1,DISK_GB:10&in_tree='
                      + layout.uuid('cn1'), version='1.31').json
    assert body['allocation_requests'] == []
    # ...but a suffixed group in a sharing provider's tree serves others.
    body = client.get(AC + '?resources=VCPU:1&resources1=DISK_GB:10'
                      '&in_tree1=' + layout.uuid('ss1'), version='1.31').json
    assert names_of(layout, body) == [('cn1', 'ss1'), ('cn2', 'ss1')]
    unknown = client.get(query + str(uuid.uuid4()), version='1.31')
    assert unknown.status == 200
    assert unknown.json['allocation_requests'] == []


def test_root_required(client, db):
    layout = shared_storage(db)
    query = SIMPLE + '&root_required=HW_CPU_X86_SSE'
    assert client.get(query, version='1.34').status == 400
    body = client.get(query, version='1.35').json
    assert names_of(layout, body) == [('cn1', 'ss1'), ('cn1', 'ss2')]
    body = client.get(SIMPLE + '&root_required=!HW_CPU_X86_SSE',
                      version='1.35').json
    assert names_of(layout, body) == [('cn2',), ('cn2', 'ss1'),
                                      ('cn2', 'ss2')]


def test_same_subtree_and_resourceless_groups(client, db):
    layout = numa_host(db)
    base = AC + '?resources_COMPUTE=VCPU:1&resources_ACCEL=FPGA:1'
    spread = client.get(base + '&group_policy=none', version='1.36').json
    assert len(spread['allocation_requests']) == 6
    assert client.get(base + '&group_policy=none&same_subtree=_COMPUTE,'
                      '_ACCEL', version='1.35').status == 400
    body = client.get(base + '&group_policy=none&same_subtree=_COMPUTE,'
                      '_ACCEL', version='1.36').json
    assert names_of(layout, body) == [('fpga0', 'numa0'),
                                      ('fpga1_0', 'numa1'),
                                      ('fpga1_1', 'numa1')]
    # A resourceless group names the NUMA node both accelerators hang
    # under; isolate keeps the two FPGAs apart.
    body = client.get(AC + '?required_NUMA=HW_NUMA_ROOT'
                      '&resources_A1=FPGA:1&resources_A2=FPGA:1'
                      '&same_subtree=_NUMA,_A1,_A2&group_policy=isolate',
                      version='1.36').json
    assert len(body['allocation_requests']) == 2
    for areq in body['allocation_requests']:
        assert areq['mappings']['_NUMA'] == [layout.uuid('numa1')]
        assert layout.uuid('numa1') not in areq['allocations']
    body = client.get(AC + '?required_NUMA=HW_NUMA_ROOT,!CUSTOM_FOO'
                      '&resources_A1=FPGA:1&resources_A2=FPGA:1'
                      '&same_subtree=_NUMA,_A1,_A2&group_policy=isolate',
                      version='1.36').json
    assert body['allocation_requests'] == []
    # The common ancestor must be one of the providers of the set.
    body = client.get(AC + '?required_HOST=COMPUTE_VOLUME_MULTI_ATTACH'
                      '&resources_CPU=VCPU:4&resources_FPGA=FPGA:1'
                      '&same_subtree=_HOST,_CPU,_FPGA&group_policy=isolate',
                      version='1.36').json
    assert len(body['allocation_requests']) == 6


def test_limit_keeps_summaries_of_returned_trees(client, db):
    layout = shared_storage(db)
    assert client.get(SIMPLE + '&limit=1', version='1.15').status == 400
    body = client.get(SIMPLE + '&limit=1', version='1.16').json
    assert len(body['allocation_requests']) == 1
    used = set(providers_of(body)[0])
    assert set(body['provider_summaries']) == used
    body = client.get(AC + '?resources=VCPU:1,SRIOV_NET_VF:4&limit=1',
                      version='1.29').json
    assert len(body['allocation_requests']) == 1
    assert len(body['provider_summaries']) == 5
    huge = client.get(SIMPLE + '&limit=' + '9' * 30, version='1.16')
    assert len(huge.json['allocation_requests']) == 5
    # The first of repeated limits counts.
    body = client.get(SIMPLE + '&limit=10&limit=1', version='1.16').json
    assert len(body['allocation_requests']) == 5
    assert len(layout) == 12


@pytest.fixture
def placement_conf(conf):
    yield conf
    conf.clear_override('max_allocation_candidates', group='placement')
    conf.clear_override('allocation_candidates_generation_strategy',
                        group='placement')
    conf.clear_override('randomize_allocation_candidates', group='placement')


def test_generation_options(client, db, placement_conf):
    layout = shared_storage(db)
    query = AC + '?resources=VCPU:1,SRIOV_NET_VF:4&limit=2'
    depth = client.get(query, version='1.29').json
    assert len({layout.name_of(u)[:3] for a in providers_of(depth)
                for u in a}) == 1
    placement_conf.set_override('allocation_candidates_generation_strategy',
                                'breadth-first', group='placement')
    breadth = client.get(query, version='1.29').json
    assert len({layout.name_of(u)[:3] for a in providers_of(breadth)
                for u in a}) == 2
    placement_conf.set_override('max_allocation_candidates', 3,
                                group='placement')
    capped = client.get(AC + '?resources=VCPU:1,SRIOV_NET_VF:4',
                        version='1.29').json
    assert len(capped['allocation_requests']) == 3
    placement_conf.set_override('randomize_allocation_candidates', True,
                                group='placement')
    sample = client.get(SIMPLE + '&limit=2', version='1.16').json
    assert len(sample['allocation_requests']) == 2


def test_policy_denies_non_admin(client, db):
    response = client.get(SIMPLE, headers={'x-auth-token': 'user',
                                           'x-roles': 'reader',
                                           'x-project-id': 'p'})
    assert response.status == 403


def test_unsuffixed_traits_narrow_trees_but_sharing_providers_may_hold_them(
        client, db):
    """The unsuffixed group gathers its required traits over the providers
    it uses: a trait on a provider that serves nothing does not count, a
    sharing provider that serves the group does (answers as upstream
    16.0.0 gives them)."""
    for name in ('CUSTOM_T', 'CUSTOM_S'):
        client.put('/traits/' + name)
    aggregate = data.new_uuid()
    lent = data.create_provider(db, 'lent')
    data.add_inventory(db, lent, 'VCPU', 4)
    data.set_traits(db, data.create_provider(db, 'idle-child', parent=lent),
                    'CUSTOM_T')
    holder = data.create_provider(db, 'holder')
    data.add_inventory(db, holder, 'VCPU', 4)
    data.set_traits(db, holder, 'CUSTOM_T')
    plain = data.create_provider(db, 'plain')
    data.add_inventory(db, plain, 'VCPU', 4)
    pool = data.create_provider(db, 'pool')
    data.add_inventory(db, pool, 'DISK_GB', 100)
    data.set_traits(db, pool, 'MISC_SHARES_VIA_AGGREGATE', 'CUSTOM_S')
    for rp in (lent, holder, plain, pool):
        data.set_aggregates(db, rp, aggregate)
    name = {rp.uuid: rp.name for rp in (lent, holder, plain, pool)}

    def found(query):
        response = client.get('/allocation_candidates?' + query)
        assert response.status == 200, response.json
        return sorted(sorted(name[u] for u in c['allocations'])
                      for c in response.json['allocation_requests'])
    assert found('resources=VCPU:1&required=CUSTOM_T') == [['holder']]
    assert found('resources=VCPU:1,DISK_GB:10&required=CUSTOM_S') == [
        ['holder', 'pool'], ['lent', 'pool'], ['plain', 'pool']]
    assert found('resources=VCPU:1&required=CUSTOM_S') == []
    assert found('resources=VCPU:1,DISK_GB:10&required=CUSTOM_T,CUSTOM_S'
                 ) == [['holder', 'pool']]
    assert found('resources=VCPU:1,DISK_GB:10'
                 '&required=in:CUSTOM_T,CUSTOM_S') == [
        ['holder', 'pool'], ['lent', 'pool'], ['plain', 'pool']]
    assert found('resources=VCPU:1&required=in:CUSTOM_T,CUSTOM_S') == [
        ['holder']]


def test_a_trait_only_sharing_providers_hold_narrows_to_the_trees_they_serve(
        client, db):
    """A required trait that a sharing provider holds is met by the trees
    that provider serves (one of their providers is in its aggregate, not
    necessarily the root) and by trees holding it themselves; a tree
    served only by sharing providers without it gets nothing."""
    client.put('/traits/CUSTOM_S')
    near_agg, far_agg = data.new_uuid(), data.new_uuid()
    providers = []

    def provider(name, aggregate=None, parent=None, vcpu=4, disk=0,
                 traits=()):
        rp = data.create_provider(db, name, parent=parent)
        if vcpu:
            data.add_inventory(db, rp, 'VCPU', vcpu)
        if disk:
            data.add_inventory(db, rp, 'DISK_GB', disk)
        if traits:
            data.set_traits(db, rp, *traits)
        if aggregate:
            data.set_aggregates(db, rp, aggregate)
        providers.append(rp)
        return rp
    provider('pool_s', near_agg, vcpu=0, disk=100,
             traits=('MISC_SHARES_VIA_AGGREGATE', 'CUSTOM_S'))
    provider('pool_x', far_agg, vcpu=0, disk=100,
             traits=('MISC_SHARES_VIA_AGGREGATE',))
    provider('near', near_agg)
    provider('far', far_agg)
    provider('own', far_agg, traits=('CUSTOM_S',))
    deep = provider('deep')
    provider('deep-child', near_agg, parent=deep, vcpu=0)
    name = {rp.uuid: rp.name for rp in providers}

    response = client.get('/allocation_candidates?resources=VCPU:1,'
                          'DISK_GB:10&required=CUSTOM_S')
    assert response.status == 200, response.json
    assert sorted(sorted(name[u] for u in c['allocations'])
                  for c in response.json['allocation_requests']) == [
        ['deep', 'pool_s'], ['near', 'pool_s'], ['own', 'pool_x']]
    # The summaries are the trees of the candidates and the pools.
    assert sorted(name[u] for u in response.json['provider_summaries']) == [
        'deep', 'deep-child', 'near', 'own', 'pool_s', 'pool_x']
