"""/resource_providers/{uuid}/inventories over HTTP: every verb on the
collection and on one class, generations, validation and the in-use
rules."""
import pytest

from tests import data

MAX_INT = 2147483647
DEFAULT_RECORD = {'total': 0, 'reserved': 0, 'min_unit': 1,
                  'max_unit': MAX_INT, 'step_size': 1,
                  'allocation_ratio': 1.0}


@pytest.fixture
def rp(db):
    return data.create_provider(db, 'rp')


def _url(rp, resource_class=None):
    url = '/resource_providers/%s/inventories' % rp.uuid
    return url + '/' + resource_class if resource_class else url


def _state(client, rp):
    body = client.get(_url(rp)).json
    return body['resource_provider_generation'], body['inventories']


def _error(response):
    error = response.json['errors'][0]
    return error['detail'], error.get('code')


def _put_all(client, rp, generation, inventories, **kw):
    return client.put(_url(rp), json={
        'resource_provider_generation': generation,
        'inventories': inventories}, **kw)


def test_missing_provider(client):
    uuid = data.new_uuid()
    response = client.get('/resource_providers/%s/inventories' % uuid)
    assert response.status == 404
    assert 'No resource provider with uuid %s found' % uuid in (
        _error(response)[0])
    for method in ('GET', 'PUT', 'DELETE'):
        assert client.request(
            method, '/resource_providers/%s/inventories/VCPU' % uuid,
            json_body={'resource_provider_generation': 0, 'total': 1},
        ).status == 404, method
    assert client.delete('/resource_providers/%s/inventories' % uuid,
                         version='1.5').status == 404


def test_create_show_and_list(client, rp):
    assert _state(client, rp) == (0, {})
    response = client.post(_url(rp), json={
        'resource_class': 'DISK_GB', 'total': 2048, 'reserved': 512,
        'min_unit': 10, 'max_unit': 1024, 'step_size': 10,
        'allocation_ratio': 1.5})
    assert response.status == 201
    assert response.headers['location'].endswith(_url(rp, 'DISK_GB'))
    record = {'total': 2048, 'reserved': 512, 'min_unit': 10,
              'max_unit': 1024, 'step_size': 10, 'allocation_ratio': 1.5}
    assert response.json == dict(record, resource_provider_generation=1)

    response = client.get(_url(rp, 'DISK_GB'), version='1.15')
    assert response.json == dict(record, resource_provider_generation=1)
    assert response.headers['cache-control'] == 'no-cache'
    assert 'last-modified' in response.headers
    response = client.get(_url(rp), version='1.14')
    assert response.json == {'resource_provider_generation': 1,
                             'inventories': {'DISK_GB': record}}
    assert 'last-modified' not in response.headers
    assert 'cache-control' not in response.headers

    # Defaults, and a generation in the body is accepted (not checked).
    response = client.post(_url(rp), json={
        'resource_class': 'VCPU', 'total': 8,
        'resource_provider_generation': 0})
    assert response.status == 201
    assert response.json == dict(DEFAULT_RECORD, total=8,
                                 resource_provider_generation=2)

    for resource_class in ('MEMORY_MB', 'HOUSE'):
        response = client.get(_url(rp, resource_class))
        assert response.status == 404
        assert 'No inventory of class %s for %s' % (
            resource_class, rp.uuid) in _error(response)[0]


def test_create_refusals_change_nothing(client, rp):
    client.post(_url(rp), json={'resource_class': 'DISK_GB', 'total': 10})
    before = _state(client, rp)
    refusals = [
        ({'resource_class': 'DISK_GB', 'total': 10}, 409,
         'Update conflict'),
        ({'resource_class': 'CUSTOM_NONE', 'total': 10}, 400,
         'No such resource class CUSTOM_NONE'),
        ({'resource_class': 'VCPU', 'total': 10, 'reserved': 10}, 201,
         None),
        ({'resource_class': 'MEMORY_MB', 'total': 10, 'reserved': 11}, 400,
         'Unable to create inventory for resource provider'),
        ({'resource_class': 'MEMORY_MB'}, 400,
         "'total' is a required property"),
        ({'resource_class': 'MEMORY_MB', 'total': 0}, 400,
         '0 is less than the minimum of 1'),
        ({'resource_class': 'MEMORY_MB', 'total': MAX_INT + 1}, 400,
         "Failed validating 'maximum'"),
        ({'resource_class': 'MEMORY_MB', 'total': 1, 'step_size': 0}, 400,
         "schema['properties']['step_size']"),
        # As upstream: a ratio that leaves no capacity is refused like a
        # reserved amount that does.
        ({'resource_class': 'MEMORY_MB', 'total': 1,
          'allocation_ratio': 0}, 400, 'greater than or equal to total'),
        ({'resource_class': 'MEMORY_MB', 'total': 1,
          'allocation_ratio': 3.40282e+39}, 400,
         "Failed validating 'maximum'"),
        # A capacity beyond any float (upstream: a 500) is no capacity.
        ({'resource_class': 'MEMORY_MB', 'total': 31141, 'reserved': 119849,
          'allocation_ratio': -1.7976931348623157e+308}, 400,
         'greater than or equal to total'),
        ({'resource_class': 'MEMORY_MB', 'total': 31141,
          'allocation_ratio': -1.7976931348623157e+308}, 400,
         'greater than or equal to total'),
        ({'resource_class': 'bad_class', 'total': 1}, 400,
         'JSON does not validate'),
        ({'resource_class': 'MEMORY_MB', 'total': 1, 'color': 'red'}, 400,
         'Additional properties are not allowed'),
    ]
    for body, status, message in refusals:
        response = client.post(_url(rp), json=body, version='1.25')
        if status == 201:
            # reserved == total is fine from 1.26 only.
            assert response.status == 400, body
            assert 'greater than or equal to total' in _error(response)[0]
            continue
        assert response.status == status, body
        assert message in _error(response)[0], body
    assert _state(client, rp) == before
    response = client.post(_url(rp), body=b'{"foo": }',
                           content_type='application/json')
    assert response.status == 400
    assert 'Malformed JSON' in _error(response)[0]
    assert _state(client, rp) == before

    response = client.post(_url(rp), json={
        'resource_class': 'VCPU', 'total': 10, 'reserved': 10},
        version='1.26')
    assert response.status == 201


def test_update_one(client, rp):
    client.post(_url(rp), json={'resource_class': 'DISK_GB', 'total': 10,
                                'reserved': 2})
    response = client.put(_url(rp, 'DISK_GB'), json={
        'resource_provider_generation': 1, 'total': 20, 'max_unit': 5})
    assert response.status == 200
    # The record is replaced: reserved went back to its default.
    assert response.json == dict(DEFAULT_RECORD, total=20, max_unit=5,
                                 resource_provider_generation=2)
    before = _state(client, rp)

    response = client.put(_url(rp, 'DISK_GB'), version='1.23', json={
        'resource_provider_generation': 1, 'total': 30})
    assert response.status == 409
    detail, code = _error(response)
    assert 'resource provider generation conflict' in detail
    assert code == 'placement.concurrent_update'
    response = client.put(_url(rp, 'MEMORY_MB'), json={
        'resource_provider_generation': 2, 'total': 30})
    assert response.status == 400
    assert 'No inventory record with resource class' in _error(response)[0]
    for body in ({'resource_provider_generation': 2, 'total': 30,
                  'reserved': 30},
                 {'total': 30},
                 {'resource_provider_generation': 2, 'total': 30,
                  'resource_class': 'DISK_GB'}):
        response = client.put(_url(rp, 'DISK_GB'), json=body,
                              version='1.25')
        assert response.status == 400, body
    assert _state(client, rp) == before

    response = client.put(_url(rp, 'DISK_GB'), version='1.26', json={
        'resource_provider_generation': 2, 'total': 30, 'reserved': 30})
    assert response.status == 200
    assert response.json['reserved'] == 30
    response = client.put(_url(rp, 'DISK_GB'), version='1.26', json={
        'resource_provider_generation': 3, 'total': 30, 'reserved': 31})
    assert response.status == 400
    assert 'greater than total' in _error(response)[0]


def test_replace_all(client, rp):
    response = _put_all(client, rp, 0, {
        'IPV4_ADDRESS': {'total': 253}, 'DISK_GB': {'total': 1024}},
        version='1.15')
    assert response.status == 200
    assert response.headers['cache-control'] == 'no-cache'
    assert response.json == {
        'resource_provider_generation': 1,
        'inventories': {
            'IPV4_ADDRESS': dict(DEFAULT_RECORD, total=253),
            'DISK_GB': dict(DEFAULT_RECORD, total=1024)}}
    response = _put_all(client, rp, 1, {'VCPU': {'total': 4}})
    assert response.json == {
        'resource_provider_generation': 2,
        'inventories': {'VCPU': dict(DEFAULT_RECORD, total=4)}}
    before = _state(client, rp)

    refusals = [
        (99, {'VCPU': {'total': 1}}, 409,
         'resource provider generation conflict'),
        (2, {'HOUSE': {'total': 1}}, 400,
         'Unknown resource class in inventory'),
        (2, {'VCPU': {'total': 1, 'reserved': 1}}, 400,
         'greater than or equal to total'),
        (2, {'VCPU': {'total': MAX_INT + 1}}, 400,
         "Failed validating 'maximum'"),
        (2, {'vcpu': {'total': 1}}, 400, 'No such resource class vcpu'),
        (2, {'VCPU': {}}, 400, "'total' is a required property"),
    ]
    for generation, inventories, status, message in refusals:
        response = _put_all(client, rp, generation, inventories,
                            version='1.25')
        assert response.status == status, inventories
        assert message in _error(response)[0], inventories
    response = client.put(_url(rp), json={'inventories': {}})
    assert response.status == 400
    assert _state(client, rp) == before

    response = _put_all(client, rp, 2, {'VCPU': {'total': 1,
                                                 'reserved': 1}},
                        version='1.26')
    assert response.status == 200
    response = _put_all(client, rp, 3, {}, version='1.4')
    assert response.json == {'resource_provider_generation': 4,
                             'inventories': {}}


def test_delete_one(client, rp):
    _put_all(client, rp, 0, {'VCPU': {'total': 4}, 'DISK_GB': {'total': 8}})
    response = client.delete(_url(rp, 'VCPU'))
    assert response.status == 204
    assert 'content-type' not in response.headers
    assert _state(client, rp) == (2, {'DISK_GB': dict(DEFAULT_RECORD,
                                                      total=8)})
    response = client.delete(_url(rp, 'VCPU'))
    assert response.status == 404
    assert 'No inventory of class VCPU found for delete' in (
        _error(response)[0])
    assert _state(client, rp)[0] == 2


def test_delete_all(client, rp):
    _put_all(client, rp, 0, {'VCPU': {'total': 4}})
    response = client.delete(_url(rp), version='1.4')
    assert response.status == 405
    assert _state(client, rp)[0] == 1
    assert client.delete(_url(rp), version='1.5').status == 204
    assert _state(client, rp) == (2, {})
    # Deleting nothing still counts as a write.
    assert client.delete(_url(rp), version='1.5').status == 204
    assert _state(client, rp) == (3, {})


def test_allocated_classes_cannot_be_removed(client, db, rp):
    _put_all(client, rp, 0, {'VCPU': {'total': 8}, 'DISK_GB': {'total': 100},
                             'MEMORY_MB': {'total': 64}})
    data.allocate(db, data.new_uuid(), {rp: {'DISK_GB': 50, 'VCPU': 2}})
    in_use = ("Inventory for 'VCPU, DISK_GB' on resource provider '%s' in "
              "use" % rp.uuid)

    response = client.delete(_url(rp), version='1.23')
    assert response.status == 409
    detail, code = _error(response)
    assert in_use in detail and code == 'placement.inventory.inuse'
    response = _put_all(client, rp, 1, {'MEMORY_MB': {'total': 64}},
                        version='1.23')
    assert response.status == 409
    detail, code = _error(response)
    assert in_use in detail and code == 'placement.inventory.inuse'
    response = client.delete(_url(rp, 'DISK_GB'), version='1.23')
    assert response.status == 409
    detail, code = _error(response)
    assert 'Unable to delete inventory of class DISK_GB' in detail
    # Upstream's code for the single-class delete.
    assert code == 'placement.concurrent_update'
    generation, inventories = _state(client, rp)
    assert generation == 1 and sorted(inventories) == [
        'DISK_GB', 'MEMORY_MB', 'VCPU']

    # Shrinking below what is allocated is allowed (as upstream).
    response = _put_all(client, rp, 1, {'VCPU': {'total': 1},
                                        'DISK_GB': {'total': 10}})
    assert response.status == 200
    assert sorted(response.json['inventories']) == ['DISK_GB', 'VCPU']


def test_policy(client, rp):
    _put_all(client, rp, 0, {'VCPU': {'total': 4}})
    user = {'x-auth-token': 'user'}
    for method, path, body in (
            ('GET', _url(rp), None),
            ('POST', _url(rp), {'resource_class': 'DISK_GB', 'total': 1}),
            ('PUT', _url(rp), {'resource_provider_generation': 1,
                               'inventories': {}}),
            ('DELETE', _url(rp), None),
            ('GET', _url(rp, 'VCPU'), None),
            ('PUT', _url(rp, 'VCPU'), {'resource_provider_generation': 1,
                                       'total': 9}),
            ('DELETE', _url(rp, 'VCPU'), None)):
        response = client.request(method, path, json_body=body,
                                  headers=user)
        assert response.status == 403, (method, path)
    assert _state(client, rp) == (1, {'VCPU': dict(DEFAULT_RECORD,
                                                   total=4)})


def test_replace_all_refuses_a_non_object_record_under_any_key(client, rp):
    """A key of the inventories map that names no class still carries a
    record object: anything else is a 400 (upstream: a 500), and nothing
    changes."""
    before = _state(client, rp)
    for inventories in ({'': None}, {'not-a-class': 5},
                        {'VCPU': None}, {'': []}, {'': {}},
                        {'x': {'total': 1, 'color': 'red'}}):
        response = _put_all(client, rp, before[0], inventories)
        assert response.status == 400, inventories
        assert 'JSON does not validate' in _error(response)[0]
    assert _state(client, rp) == before
