"""GET /resource_providers and its filters."""
import uuid

from tests import data


def names(response):
    assert response.status == 200, response
    return sorted(p['name'] for p in response.json['resource_providers'])


def _cloud(db):
    agg_a, agg_b = str(uuid.uuid4()), str(uuid.uuid4())
    rps = {}
    rps['cn1'] = data.create_provider(db, 'cn1')
    rps['cn2'] = data.create_provider(db, 'cn2')
    rps['numa'] = data.create_provider(db, 'numa', parent=rps['cn1'])
    rps['ss'] = data.create_provider(db, 'ss')
    data.add_inventory(db, rps['cn1'], 'VCPU', 8)
    data.add_inventory(db, rps['cn2'], 'VCPU', 8, reserved=6)
    data.add_inventory(db, rps['cn2'], 'DISK_GB', 100, step_size=10)
    data.add_inventory(db, rps['ss'], 'DISK_GB', 1000)
    data.allocate(db, data.new_uuid(), {rps['cn1']: {'VCPU': 5}})
    data.set_traits(db, rps['cn1'], 'HW_CPU_X86_AVX2', 'CUSTOM_GOLD')
    data.set_traits(db, rps['cn2'], 'HW_CPU_X86_AVX2')
    data.set_traits(db, rps['numa'], 'HW_NUMA_ROOT')
    data.set_aggregates(db, rps['cn1'], agg_a)
    data.set_aggregates(db, rps['cn2'], agg_a, agg_b)
    data.set_aggregates(db, rps['ss'], agg_b)
    return rps, agg_a, agg_b


def test_list_and_name_uuid_tree_filters(client, db):
    rps, _a, _b = _cloud(db)
    response = client.get('/resource_providers', version='1.0')
    assert names(response) == ['cn1', 'cn2', 'numa', 'ss']
    assert 'last-modified' not in response.headers
    listed = client.get('/resource_providers', version='1.15')
    assert 'last-modified' in listed.headers
    numa = next(p for p in listed.json['resource_providers']
                if p['name'] == 'numa')
    assert numa['parent_provider_uuid'] == rps['cn1'].uuid
    assert numa['root_provider_uuid'] == rps['cn1'].uuid
    assert names(client.get('/resource_providers?name=cn2')) == ['cn2']
    assert names(client.get('/resource_providers?uuid=%s'
                            % rps['ss'].uuid)) == ['ss']
    assert names(client.get('/resource_providers?in_tree=%s'
                            % rps['numa'].uuid)) == ['cn1', 'numa']
    assert names(client.get('/resource_providers?in_tree=%s'
                            % uuid.uuid4())) == []


def test_member_of_filters(client, db):
    _rps, agg_a, agg_b = _cloud(db)
    get = client.get
    assert names(get('/resource_providers?member_of=%s' % agg_a,
                     version='1.3')) == ['cn1', 'cn2']
    assert names(get('/resource_providers?member_of=in:%s,%s'
                     % (agg_a, agg_b), version='1.3')) == ['cn1', 'cn2',
                                                           'ss']
    assert names(get('/resource_providers?member_of=%s&member_of=%s'
                     % (agg_a, agg_b), version='1.24')) == ['cn2']
    assert names(get('/resource_providers?member_of=!%s' % agg_b,
                     version='1.32')) == ['cn1', 'numa']
    assert names(get('/resource_providers?member_of=!in:%s,%s'
                     % (agg_a, agg_b), version='1.32')) == ['numa']


def test_trait_filters(client, db):
    _cloud(db)
    get = client.get
    assert names(get('/resource_providers?required=HW_CPU_X86_AVX2',
                     version='1.18')) == ['cn1', 'cn2']
    assert names(get('/resource_providers?required=HW_CPU_X86_AVX2,'
                     '!CUSTOM_GOLD', version='1.22')) == ['cn2']
    assert names(get('/resource_providers?required=in:CUSTOM_GOLD,'
                     'HW_NUMA_ROOT&required=!HW_CPU_X86_AVX2',
                     version='1.39')) == ['numa']
    # Before 1.39 the last 'required' wins.
    assert names(get('/resource_providers?required=HW_NUMA_ROOT'
                     '&required=CUSTOM_GOLD', version='1.38')) == ['cn1']


def test_resources_filter(client, db):
    _cloud(db)
    get = client.get
    # cn1: 3 VCPU free; cn2: 2 VCPU free, DISK_GB in steps of 10.
    assert names(get('/resource_providers?resources=VCPU:2',
                     version='1.4')) == ['cn1', 'cn2']
    assert names(get('/resource_providers?resources=VCPU:3')) == ['cn1']
    assert names(get('/resource_providers?resources=VCPU:4')) == []
    assert names(get('/resource_providers?resources=DISK_GB:20')) == [
        'cn2', 'ss']
    assert names(get('/resource_providers?resources=DISK_GB:25')) == ['ss']
    assert names(get('/resource_providers?resources=VCPU:1,DISK_GB:10'
                     '&required=HW_CPU_X86_AVX2')) == ['cn2']
