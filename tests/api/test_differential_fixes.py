"""Answers in which the differential harness (tests/differential/) found
this service different from OpenStack Placement 16.0.0, as upstream
gives them (checked against upstream run as a black box)."""
from tests import data

UNKNOWN = '/resource_providers/aaaaaaaa-0000-4000-8000-0000000000ff'


def test_unknown_provider_is_404_before_the_inventory_body_is_read(client):
    for path in (UNKNOWN + '/inventories', UNKNOWN + '/inventories/VCPU'):
        response = client.put(path, json={'bogus': 1})
        assert response.status == 404, (path, response.json)
        assert ('No resource provider with uuid' in
                response.json['errors'][0]['detail'])


def test_bad_inventory_body_of_a_known_provider_is_still_a_400(client, db):
    rp = data.create_provider(db, 'cn')
    response = client.put('/resource_providers/%s/inventories' % rp.uuid,
                          json={'bogus': 1})
    assert response.status == 400


def test_set_inventories_answer_lists_classes_in_request_order(client, db):
    rp = data.create_provider(db, 'cn')
    classes = ['VCPU', 'DISK_GB', 'MEMORY_MB']
    response = client.put(
        '/resource_providers/%s/inventories' % rp.uuid,
        json={'resource_provider_generation': 0,
              'inventories': {name: {'total': 5} for name in classes}})
    assert response.status == 200
    assert list(response.json['inventories']) == classes


def test_update_answer_is_dated_by_the_change_before_it(client, db):
    """Upstream dates an update's answer by the provider's previous change:
    a child never changed before answers without Last-Modified, whatever
    the update (rename, move between parents, un-parenting); a root is
    dated from its creation."""
    first = data.create_provider(db, 'first')
    second = data.create_provider(db, 'second')
    children = [data.create_provider(db, 'child%d' % n, parent=first)
                for n in range(3)]
    bodies = [{'name': 'renamed'},
              {'name': 'child1', 'parent_provider_uuid': second.uuid},
              {'name': 'child2', 'parent_provider_uuid': None}]
    for child, body in zip(children, bodies):
        url = '/resource_providers/%s' % child.uuid
        response = client.put(url, json=body, version='1.37')
        assert response.status == 200, response.json
        assert 'last-modified' not in response.headers, body
        # Changed once now: the next update's answer is dated.
        body['name'] += '-again'
        assert 'last-modified' in client.put(url, json=body,
                                             version='1.37').headers
    # Nothing changes when the name is the same: still never updated.
    third = data.create_provider(db, 'child3', parent=first)
    url = '/resource_providers/%s' % third.uuid
    for _ in range(2):
        response = client.put(url, json={'name': 'child3'}, version='1.37')
        assert 'last-modified' not in response.headers
    response = client.put('/resource_providers/%s' % first.uuid,
                          json={'name': 'first-renamed'}, version='1.37')
    assert 'last-modified' in response.headers


def test_query_error_wordings_as_upstream(client, db):
    agg = 'd7dffead-aa82-5ddf-863d-8695a2a31168'
    several = 'member_of=%s&member_of=%s' % (agg, agg)
    for url in ('/resource_providers?' + several,
                '/allocation_candidates?resources=VCPU:1&' + several):
        response = client.get(url, version='1.23')
        assert response.status == 400
        assert response.json['errors'][0]['detail'].endswith(
            'Multiple member_of parameters are not supported  ')
    for url in ('/resource_providers?required=in:',
                '/allocation_candidates?resources=VCPU:1&required=in:,X'):
        response = client.get(url, version='1.39')
        assert response.status == 400
        assert ("of the form: in:HW_CPU_X86_VMX,CUSTOM_MAGIC. Got an empty "
                "trait in: in:" in response.json['errors'][0]['detail'])


def _detail(response):
    assert response.status == 400, response.json
    return response.json['errors'][0]['detail']


def test_trait_values_are_read_as_upstream_reads_them(client, db):
    """Leading '!'s forbid a trait once; every malformed value is worded
    for 'required' whatever its key; ``in:`` lists refuse '!' in words
    of their own; a forbidden-only group is one without resources."""
    client.put('/traits/CUSTOM_A')
    client.put('/traits/CUSTOM_B')
    rp = data.create_provider(db, 'cn')
    data.add_inventory(db, rp, 'VCPU', 4)
    data.set_traits(db, rp, 'CUSTOM_A')
    ac = '/allocation_candidates?resources=VCPU:1&'
    for path in (ac + 'required=!!CUSTOM_B', ac + 'root_required=!!!CUSTOM_B',
                 '/resource_providers?required=!!CUSTOM_B'):
        response = client.get(path)
        assert response.status == 200, (path, response.json)
        listed = (response.json.get('provider_summaries') or
                  {p['uuid']: p for p in
                   response.json.get('resource_providers', [])})
        assert list(listed) == [rp.uuid], path
    assert client.get(ac + 'required=!!CUSTOM_A').json[
        'allocation_requests'] == []
    assert _detail(client.get(ac + 'root_required=CUSTOM_A,!!CUSTOM_A')
                   ).endswith('root_required: CUSTOM_A  ')
    assert "Got an empty trait in: !!" in _detail(
        client.get(ac + 'required=!!'))
    assert "Got an empty trait in: !" in _detail(
        client.get(ac + 'required=!', version='1.21'))
    detail = _detail(client.get(ac + 'resources1=VCPU:1&required1=!'))
    assert "Expected 'required' parameter value" in detail
    for path in (ac + 'required=in:CUSTOM_A,!CUSTOM_B',
                 '/resource_providers?required=in:!CUSTOM_A'):
        assert ("The format 'in:HW_CPU_X86_VMX,CUSTOM_MAGIC' does not "
                "support forbidden traits. Got: in:") in _detail(
                    client.get(path))
    assert _detail(client.get('/allocation_candidates?required=!CUSTOM_A',
                              version='1.31')).endswith(
        'All request groups must specify resources.  ')
    assert _detail(client.get(
        '/allocation_candidates?required2=CUSTOM_A&required1=CUSTOM_B'
        '&resources3=VCPU:1', version='1.31')).endswith(
        'orphaned traits keys: required2, required1  ')


def test_each_contradicted_requirement_is_named(client, db):
    client.put('/traits/CUSTOM_A')
    client.put('/traits/CUSTOM_B')
    ac = '/allocation_candidates?resources=VCPU:1&'
    assert _detail(client.get(
        ac + 'required=CUSTOM_B,CUSTOM_A,!CUSTOM_A,!CUSTOM_B')).endswith(
        'traits keys: required: (CUSTOM_A), required: (CUSTOM_B)  ')
    # An any-of set every trait of which is forbidden contradicts too.
    assert _detail(client.get(
        ac + 'required=in:CUSTOM_A,CUSTOM_B&required=!CUSTOM_A,!CUSTOM_B')
    ).endswith('traits keys: required: (CUSTOM_A, CUSTOM_B)  ')
    assert client.get(
        ac + 'required=in:CUSTOM_A,CUSTOM_B&required=!CUSTOM_A').status == 200


def test_negotiation_checks_in_upstreams_order(client, db):
    """Which of 404 (microversion), 406, 415, 403 and 404 (provider) a
    bad request gets follows each route's order in upstream."""
    rp = data.create_provider(db, 'cn')
    html = {'accept': 'text/html'}
    # GET /traits/{name} negotiates nothing.
    assert client.get('/traits/HW_CPU_X86_AVX', version='1.6',
                      headers=html).status == 204
    # Too old a microversion first, where upstream checks it first...
    for path, old in (('/traits', '1.5'), ('/usages?project_id=p', '1.8'),
                      ('/resource_classes', '1.1'),
                      ('/allocation_candidates?resources=VCPU:1', '1.9'),
                      ('/resource_providers/%s/traits' % rp.uuid, '1.5')):
        assert client.get(path, version=old, headers=html).status == 404
        assert client.get(path, headers=html).status == 406
    # ...but a provider's aggregates check Accept and the body's type
    # before the microversion.
    aggregates = '/resource_providers/%s/aggregates' % rp.uuid
    assert client.get(aggregates, version='1.0', headers=html).status == 406
    assert client.put(aggregates, version='1.0', body=b'[]',
                      content_type='text/plain').status == 415
    assert client.put(aggregates, version='1.0', json=[]).status == 404
    # The body's type before policy and before the provider is looked up.
    member = {'x-auth-token': 'someone'}
    for path in ('/resource_providers/%s/inventories' % rp.uuid,
                 UNKNOWN + '/inventories', '/allocations/' + data.new_uuid()):
        response = client.put(path, body=b'x', content_type='text/plain',
                               headers=member)
        assert response.status == 415, (path, response.json)
    assert client.put('/resource_classes/CUSTOM_A', body=b'x',
                      content_type='text/plain', headers=member,
                      version='1.5').status == 415
    # From 1.7 the PUT has no body to check: policy decides.
    assert client.put('/resource_classes/CUSTOM_A', body=b'x',
                      content_type='text/plain', headers=member,
                      version='1.7').status == 403
    # A body without a type is refused before the URL is even matched.
    response = client.request('POST', '/no/such/url', body=b'xx')
    assert response.status == 400
    assert 'content-type header required' in _detail(response)


def test_a_provider_listed_twice_before_1_12_counts_its_last_entry(client,
                                                                   db):
    rp = data.create_provider(db, 'cn')
    data.add_inventory(db, rp, 'VCPU', 8)
    data.add_inventory(db, rp, 'MEMORY_MB', 1024)
    consumer = data.new_uuid()
    entries = [{'resource_provider': {'uuid': rp.uuid},
                'resources': {'VCPU': 1, 'MEMORY_MB': 5}},
               {'resource_provider': {'uuid': rp.uuid},
                'resources': {'VCPU': 2}}]
    assert client.put('/allocations/' + consumer,
                      json={'allocations': entries},
                      version='1.4').status == 204
    held = client.get('/allocations/' + consumer).json['allocations']
    assert held[rp.uuid]['resources'] == {'VCPU': 2}
    usages = client.get('/resource_providers/%s/usages' % rp.uuid).json
    assert usages['usages'] == {'VCPU': 2, 'MEMORY_MB': 0}


def test_in_tree_blanks_and_class_messages_as_upstream(client, db):
    rp = data.create_provider(db, 'cn')
    data.add_inventory(db, rp, 'VCPU', 8)
    response = client.get('/allocation_candidates?resources=VCPU:1'
                          '&in_tree=%%20%s%%20' % rp.uuid)
    assert list(response.json['provider_summaries']) == [rp.uuid]
    assert _detail(client.get('/allocation_candidates?in_tree=%s%%20'
                              % rp.uuid)).endswith(
        'There must be at least one resources or resources[$S] '
        'parameter.  ')
    assert _detail(client.delete('/resource_classes/VCPU')).endswith(
        'Cannot delete standard resource class VCPU.  ')


def test_sharing_alone_for_the_unsuffixed_group_serves_nested_trees(client,
                                                                    db):
    """Upstream answers nothing for a nested tree here (an upstream bug,
    doc/deviations.rst); a flat tree and a nested one get the same
    candidate."""
    aggregate = data.new_uuid()
    pool = data.create_provider(db, 'pool')
    data.add_inventory(db, pool, 'DISK_GB', 100)
    data.set_traits(db, pool, 'MISC_SHARES_VIA_AGGREGATE')
    data.set_aggregates(db, pool, aggregate)
    flat = data.create_provider(db, 'flat')
    data.add_inventory(db, flat, 'VCPU', 4)
    nested = data.create_provider(db, 'nested')
    numa = data.create_provider(db, 'numa', parent=nested)
    data.add_inventory(db, numa, 'VCPU', 4)
    for root in (flat, nested):
        data.set_aggregates(db, root, aggregate)
    response = client.get('/allocation_candidates?resources=DISK_GB:10'
                          '&resources1=VCPU:1&group_policy=none')
    assert response.status == 200
    found = sorted((c['mappings'][''], c['mappings']['1'])
                   for c in response.json['allocation_requests'])
    assert found == sorted([([pool.uuid], [flat.uuid]),
                            ([pool.uuid], [numa.uuid])])


def test_member_of_errors_name_their_suffix_and_check_uuids_first(client,
                                                                   db):
    agg = data.new_uuid()
    ac = '/allocation_candidates?resources1=VCPU:1&'
    assert _detail(client.get(ac + 'member_of1=!' + agg, version='1.31')
                   ).endswith('Forbidden member_of1 parameters are not '
                              'supported in the specified microversion  ')
    # The value's uuids are checked before whether '!' is allowed.
    assert "to contain valid UUID(s). Got: bogus" in _detail(
        client.get(ac + 'member_of1=!bogus', version='1.31'))


def test_usages_by_type_list_the_type_of_the_first_class_first(client, db):
    rp = data.create_provider(db, 'cn')
    for rc in ('VCPU', 'MEMORY_MB', 'DISK_GB'):
        data.add_inventory(db, rp, rc, 1000)
    untyped, typed = data.new_uuid(), data.new_uuid()
    data.allocate(db, untyped, {rp: {'MEMORY_MB': 512, 'DISK_GB': 1}},
                  project_id='proj')
    body = {'allocations': {rp.uuid: {'resources': {'VCPU': 2,
                                                    'MEMORY_MB': 5}}},
            'project_id': 'proj', 'user_id': 'u', 'consumer_generation': None,
            'consumer_type': 'INSTANCE'}
    assert client.put('/allocations/' + typed, json=body).status == 204
    usages = client.get('/usages?project_id=proj').json['usages']
    # VCPU (the first class) belongs to INSTANCE, as upstream orders it.
    assert list(usages) == ['INSTANCE', 'unknown']
    assert list(usages['INSTANCE']) == ['VCPU', 'consumer_count',
                                        'MEMORY_MB']
    assert list(usages['unknown']) == ['MEMORY_MB', 'consumer_count',
                                       'DISK_GB']


def test_a_resourceless_group_that_only_forbids_selects_nothing(client,
                                                                db):
    """As upstream: a resourceless group (1.36) selects providers by what
    it requires; one that only forbids traits or aggregates selects none,
    so the request finds nothing."""
    client.put('/traits/CUSTOM_T1')
    root = data.create_provider(db, 'root')
    data.set_traits(db, root, 'CUSTOM_T1')
    numa = data.create_provider(db, 'numa', parent=root)
    data.add_inventory(db, numa, 'VCPU', 4)
    data.set_traits(db, numa, 'HW_NUMA_ROOT')
    base = ('/allocation_candidates?resources3=VCPU:3&group_policy=none'
            '&same_subtree=_G0,3&')
    for group, found in (('required_G0=!HW_NUMA_ROOT', 0),
                         ('member_of_G0=!' + data.new_uuid(), 0),
                         ('required_G0=CUSTOM_T1,!HW_NUMA_ROOT', 1),
                         ('required_G0=CUSTOM_T1', 1)):
        response = client.get(base + group)
        assert response.status == 200, response.json
        assert len(response.json['allocation_requests']) == found, group


def test_a_resourceless_group_keeps_to_its_in_tree(client, db):
    """Upstream ignores in_tree of a group without resources (an upstream
    bug, doc/deviations.rst) and answers both trees here: the group is
    mapped inside its tree or the request finds nothing."""
    client.put('/traits/CUSTOM_T1')
    numa_of = {}
    for name in ('first', 'second'):
        root = data.create_provider(db, name)
        numa = data.create_provider(db, name + '-numa', parent=root)
        data.add_inventory(db, numa, 'VCPU', 4)
        nic = data.create_provider(db, name + '-nic', parent=numa)
        data.set_traits(db, nic, 'CUSTOM_T1')
        numa_of[root.uuid] = (numa.uuid, nic.uuid)
    empty = data.create_provider(db, 'empty')
    base = ('/allocation_candidates?resources_G0=VCPU:1'
            '&required_G1=CUSTOM_T1&same_subtree=_G0,_G1'
            '&group_policy=none&in_tree_G1=')
    for root_uuid, (numa, nic) in numa_of.items():
        response = client.get(base + root_uuid)
        assert response.status == 200, response.json
        assert [c['mappings'] for c in
                response.json['allocation_requests']] == [
            {'_G0': [numa], '_G1': [nic]}]
    outside = client.get(base + empty.uuid)
    assert outside.status == 200
    assert outside.json['allocation_requests'] == []
