"""Six behaviours in which issue 11 found this service different from
OpenStack Placement 16.0.0, as upstream shows them.

Each was checked against upstream 16.0.0 run as a black box (the
differential harness, tests/differential/, sends the same requests to
both).
"""
from placement.conf import placement as placement_conf
from tests import data

AC = '/allocation_candidates'


def _compute(db, name, parent=None):
    rp = data.create_provider(db, name, parent=parent)
    data.add_inventory(db, rp, 'VCPU', 8)
    data.add_inventory(db, rp, 'MEMORY_MB', 4096)
    return rp


def _put(client, consumer, allocations, version, **fields):
    if version >= (1, 12):
        body = {'allocations': {rp.uuid: {'resources': res}
                                for rp, res in allocations}}
    else:
        body = {'allocations': [{'resource_provider': {'uuid': rp.uuid},
                                 'resources': res}
                                for rp, res in allocations]}
    body.update(fields)
    return client.put('/allocations/' + consumer, json=body,
                      version='%d.%d' % version)


def test_same_subtree_ignores_blanks_around_suffixes(client, db):
    root = _compute(db, 'root')
    _compute(db, 'child', parent=root)
    query = (AC + '?resources_a=VCPU:1&resources_b=MEMORY_MB:1'
             '&group_policy=none&same_subtree=%s')
    plain = client.get(query % '_a,_b', version='1.36')
    assert plain.status == 200
    assert client.get(query % '_a,%20_b', version='1.36').json == plain.json
    assert client.get(query % '%20_a%20,_b%20',
                      version='1.36').json == plain.json
    blank = client.get(query % '_a,%20', version='1.36')
    assert blank.status == 400
    assert 'Empty string (unsuffixed group)' in blank.json['errors'][0][
        'detail']
    unknown = client.get(query % '_a,_c%20', version='1.36')
    assert "['_c'] not found" in unknown.json['errors'][0]['detail']


def test_root_required_naming_a_trait_both_ways_is_a_400(client, db):
    _compute(db, 'cn')
    for value in ('HW_CPU_X86_AVX,!HW_CPU_X86_AVX',
                  '!HW_CPU_X86_SSE,HW_CPU_X86_AVX,HW_CPU_X86_SSE,'
                  '!HW_CPU_X86_AVX,CUSTOM_NOT_A_TRAIT'):
        response = client.get(AC + '?resources=VCPU:1&root_required=' +
                              value, version='1.35')
        assert response.status == 400
        error = response.json['errors'][0]
        assert error['code'] == 'placement.query.bad_value'
        assert ('Conflicting required and forbidden traits found in '
                'root_required: HW_CPU_X86_') in error['detail']
    response = client.get(AC + '?resources=VCPU:1&root_required='
                          'HW_CPU_X86_SSE,HW_CPU_X86_AVX,!HW_CPU_X86_SSE,'
                          '!HW_CPU_X86_AVX', version='1.35')
    assert ('root_required: HW_CPU_X86_AVX, HW_CPU_X86_SSE' in
            response.json['errors'][0]['detail'])


def test_untyped_consumer_shows_unknown_type_from_1_38(client, db):
    rp = _compute(db, 'cn')
    consumer = data.new_uuid()
    assert _put(client, consumer, [(rp, {'VCPU': 2})], (1, 12),
                project_id='p', user_id='u').status == 204
    shown = client.get('/allocations/' + consumer, version='1.38').json
    assert shown['consumer_type'] == 'unknown'
    assert 'consumer_type' not in client.get('/allocations/' + consumer,
                                             version='1.37').json
    usages = client.get('/usages?project_id=p', version='1.38').json
    assert usages == {'usages': {'unknown': {'consumer_count': 1,
                                             'VCPU': 2}}}


def test_provider_allocations_carry_consumer_generation_from_1_28(client,
                                                                   db):
    rp = _compute(db, 'cn')
    consumer = data.new_uuid()
    assert _put(client, consumer, [(rp, {'VCPU': 1})], (1, 28),
                project_id='p', user_id='u',
                consumer_generation=None).status == 204
    assert _put(client, consumer, [(rp, {'VCPU': 2})], (1, 28),
                project_id='p', user_id='u',
                consumer_generation=1).status == 204
    url = '/resource_providers/%s/allocations' % rp.uuid
    assert client.get(url, version='1.27').json == {
        'allocations': {consumer: {'resources': {'VCPU': 2}}},
        'resource_provider_generation': 2}
    for version in ('1.28', '1.38', '1.39'):
        body = client.get(url, version=version).json
        assert body == {'allocations': {consumer: {
            'resources': {'VCPU': 2}, 'consumer_generation': 2}},
            'resource_provider_generation': 2}


def test_allocations_are_listed_in_the_order_they_were_written(client, db):
    # Created so that id order, body order and uuid order all differ.
    uuids = ['00000000-0000-0000-0000-0000000000f%d' % i
             for i in (3, 1, 2, 4)]
    rps = [data.create_provider(db, 'cn%d' % i, uuid=u)
           for i, u in enumerate(uuids)]
    for rp in rps:
        data.add_inventory(db, rp, 'VCPU', 8)
        data.add_inventory(db, rp, 'DISK_GB', 8)
    consumer, other = data.new_uuid(), data.new_uuid()
    written = [rps[3], rps[2], rps[0], rps[1]]
    assert _put(client, consumer,
                [(rp, {'DISK_GB': 1, 'VCPU': 1}) for rp in written],
                (1, 28), project_id='p', user_id='u',
                consumer_generation=None).status == 204
    body = client.get('/allocations/' + consumer).json
    assert list(body['allocations']) == [rp.uuid for rp in written]
    assert [list(entry) for entry in body['allocations'].values()] == [
        ['resources', 'generation']] * 4
    assert [list(entry['resources']) for entry in
            body['allocations'].values()] == [['DISK_GB', 'VCPU']] * 4
    # A provider's consumers: in the order their allocations were made.
    assert _put(client, other, [(rps[0], {'VCPU': 1})], (1, 28),
                project_id='p', user_id='u',
                consumer_generation=None).status == 204
    on_rp = client.get('/resource_providers/%s/allocations' % rps[0].uuid)
    assert list(on_rp.json['allocations']) == [consumer, other]


def test_write_before_1_8_gives_the_consumer_the_placeholders(client, db):
    rp = _compute(db, 'cn')
    consumer = data.new_uuid()
    assert _put(client, consumer, [(rp, {'VCPU': 1})], (1, 28),
                project_id='p', user_id='u',
                consumer_generation=None).status == 204
    assert _put(client, consumer, [(rp, {'VCPU': 2})], (1, 7)).status == 204
    shown = client.get('/allocations/' + consumer, version='1.28').json
    missing = placement_conf.DEFAULT_CONSUMER_MISSING_ID
    assert (shown['project_id'], shown['user_id'],
            shown['consumer_generation']) == (missing, missing, 2)
    # A later write that names them completes the consumer again.
    assert _put(client, consumer, [(rp, {'VCPU': 2})], (1, 28),
                project_id='p', user_id='u',
                consumer_generation=2).status == 204
    shown = client.get('/allocations/' + consumer, version='1.28').json
    assert (shown['project_id'], shown['user_id']) == ('p', 'u')
