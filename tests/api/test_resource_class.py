"""/resource_classes over HTTP: every verb, its microversion boundaries
and its refusals."""
import os_resource_classes as orc
from tests import data

CUSTOM_COUNT_BASE = len(orc.STANDARDS)


def _names(client):
    return [rc['name'] for rc in
            client.get('/resource_classes').json['resource_classes']]


def _code(response):
    return response.json['errors'][0].get('code')


def test_absent_before_1_2(client):
    for method, path in (('GET', '/resource_classes'),
                         ('POST', '/resource_classes'),
                         ('GET', '/resource_classes/VCPU'),
                         ('PUT', '/resource_classes/CUSTOM_X'),
                         ('DELETE', '/resource_classes/CUSTOM_X')):
        response = client.request(method, path, version='1.1',
                                  json_body={'name': 'CUSTOM_X'})
        assert response.status == 404, (method, path)
    assert _names(client) == list(orc.STANDARDS)


def test_list_and_show(client):
    response = client.get('/resource_classes', version='1.2')
    assert response.status == 200
    assert 'last-modified' not in response.headers
    classes = response.json['resource_classes']
    assert [rc['name'] for rc in classes] == list(orc.STANDARDS)
    assert classes[0] == {'name': 'VCPU', 'links': [
        {'rel': 'self', 'href': '/resource_classes/VCPU'}]}

    assert client.post('/resource_classes',
                       json={'name': 'CUSTOM_GOLD'}).status == 201
    response = client.get('/resource_classes', version='1.15')
    assert response.headers['cache-control'] == 'no-cache'
    assert 'last-modified' in response.headers
    assert [rc['name'] for rc in response.json['resource_classes']][
        CUSTOM_COUNT_BASE:] == ['CUSTOM_GOLD']

    response = client.get('/resource_classes/CUSTOM_GOLD', version='1.15')
    assert response.status == 200
    assert response.json == {'name': 'CUSTOM_GOLD', 'links': [
        {'rel': 'self', 'href': '/resource_classes/CUSTOM_GOLD'}]}
    assert 'last-modified' in response.headers
    assert 'last-modified' not in client.get(
        '/resource_classes/CUSTOM_GOLD', version='1.14').headers
    response = client.get('/resource_classes/CUSTOM_NONE')
    assert response.status == 404
    assert 'No such resource class CUSTOM_NONE' in (
        response.json['errors'][0]['detail'])


def test_create(client):
    response = client.post('/resource_classes', json={'name': 'CUSTOM_A1'},
                           version='1.2')
    assert response.status == 201
    assert response.headers['location'].endswith('/resource_classes/CUSTOM_A1')
    assert 'content-type' not in response.headers
    assert response.body == b''

    response = client.post('/resource_classes', json={'name': 'CUSTOM_A1'})
    assert response.status == 409
    # Upstream gives this conflict no code of its own.
    assert _code(response) == 'placement.undefined_code'
    assert 'Conflicting resource class already exists: CUSTOM_A1' in (
        response.json['errors'][0]['detail'])


def test_create_refuses_bad_bodies(client):
    for body in ({'name': 'FOO'},                   # not custom
                 {'name': 'VCPU'},                  # standard
                 {'name': 'CUSTOM_lower'},
                 {'name': 'CUSTOM_'},
                 {'name': 'CUSTOM_' + 'A' * 249},   # 256 characters
                 {'name': 'CUSTOM_OK', 'extra': 1},
                 {},
                 {'name': 7}):
        response = client.post('/resource_classes', json=body)
        assert response.status == 400, body
        assert 'JSON does not validate' in (
            response.json['errors'][0]['detail'])
    assert _names(client) == list(orc.STANDARDS)


def test_create_needs_json(client):
    response = client.post('/resource_classes', body=b'name=CUSTOM_X',
                           content_type='text/plain')
    assert response.status == 415
    response = client.post('/resource_classes', body=b'{"name": ',
                           content_type='application/json')
    assert response.status == 400
    assert 'Malformed JSON' in response.json['errors'][0]['detail']
    assert _names(client) == list(orc.STANDARDS)


def test_longest_name_is_accepted(client):
    name = 'CUSTOM_' + 'A' * 248
    assert client.post('/resource_classes', json={'name': name}).status == 201
    assert client.get('/resource_classes/' + name).json['name'] == name


def test_rename_before_1_7(client):
    client.post('/resource_classes', json={'name': 'CUSTOM_OLD'})
    client.post('/resource_classes', json={'name': 'CUSTOM_TAKEN'})
    put = lambda name, body: client.put(  # noqa: E731
        '/resource_classes/' + name, json=body, version='1.6')

    response = put('CUSTOM_OLD', {'name': 'CUSTOM_TAKEN'})
    assert response.status == 409
    assert 'Resource class already exists: CUSTOM_TAKEN' in (
        response.json['errors'][0]['detail'])
    assert _code(response) is None  # no error codes before 1.23
    response = put('VCPU', {'name': 'CUSTOM_VCPU'})
    assert response.status == 400
    assert 'Cannot update standard resource class VCPU' in (
        response.json['errors'][0]['detail'])
    assert put('CUSTOM_MISSING', {'name': 'CUSTOM_NEW'}).status == 404
    assert put('CUSTOM_OLD', {'name': 'VCPU'}).status == 400
    assert put('CUSTOM_OLD', {'name': 'CUSTOM_NEW', 'x': 1}).status == 400
    response = client.put('/resource_classes/CUSTOM_OLD', version='1.6',
                          body=b'', content_type='application/json')
    assert response.status == 400
    assert 'Malformed JSON' in response.json['errors'][0]['detail']
    assert _names(client)[CUSTOM_COUNT_BASE:] == ['CUSTOM_OLD',
                                                  'CUSTOM_TAKEN']

    response = put('CUSTOM_OLD', {'name': 'CUSTOM_NEW'})
    assert response.status == 200
    assert response.json == {'name': 'CUSTOM_NEW', 'links': [
        {'rel': 'self', 'href': '/resource_classes/CUSTOM_NEW'}]}
    assert _names(client)[CUSTOM_COUNT_BASE:] == ['CUSTOM_NEW',
                                                  'CUSTOM_TAKEN']


def test_create_or_check_from_1_7(client):
    response = client.put('/resource_classes/CUSTOM_COW', version='1.7')
    assert response.status == 201
    assert response.headers['location'].endswith(
        '/resource_classes/CUSTOM_COW')
    # A body is ignored, not a rename.
    response = client.put('/resource_classes/CUSTOM_COW', version='1.7',
                          json={'name': 'CUSTOM_PIG'})
    assert response.status == 204
    assert response.headers['location'].endswith(
        '/resource_classes/CUSTOM_COW')
    for name in ('VCPU', 'COW', 'CUSTOM_low', 'CUSTOM_' + 'S' * 249):
        response = client.put('/resource_classes/' + name)
        assert response.status == 400, name
        assert 'Failed validating' in response.json['errors'][0]['detail']
    assert _names(client)[CUSTOM_COUNT_BASE:] == ['CUSTOM_COW']


def test_delete(client, db):
    rp = data.create_provider(db, 'rp')
    data.add_inventory(db, rp, 'CUSTOM_USED', 4)
    client.put('/resource_classes/CUSTOM_FREE')

    response = client.delete('/resource_classes/VCPU')
    assert response.status == 400
    assert response.json['errors'][0]['detail'].endswith(
        'Cannot delete standard resource class VCPU.  ')
    response = client.delete('/resource_classes/CUSTOM_USED')
    assert response.status == 409
    detail = response.json['errors'][0]['detail']
    assert 'Error in delete resource class' in detail
    assert 'Class is in use in inventory' in detail
    assert client.delete('/resource_classes/CUSTOM_FREE',
                         version='1.1').status == 404
    assert _names(client)[CUSTOM_COUNT_BASE:] == ['CUSTOM_USED',
                                                  'CUSTOM_FREE']

    response = client.delete('/resource_classes/CUSTOM_FREE')
    assert response.status == 204
    assert 'content-type' not in response.headers
    assert client.delete('/resource_classes/CUSTOM_FREE').status == 404
    assert _names(client)[CUSTOM_COUNT_BASE:] == ['CUSTOM_USED']


def test_delete_refused_while_allocated(client, db):
    """An allocation alone (no inventory) keeps its class."""
    rp = data.create_provider(db, 'rp')
    client.put('/resource_classes/CUSTOM_ALLOC')
    data.allocate(db, data.new_uuid(), {rp: {'CUSTOM_ALLOC': 1}})
    assert client.delete('/resource_classes/CUSTOM_ALLOC').status == 409
    assert client.get('/resource_classes/CUSTOM_ALLOC').status == 200


def test_non_admin_forbidden(client):
    client.put('/resource_classes/CUSTOM_X')
    for method, path in (('GET', '/resource_classes'),
                         ('POST', '/resource_classes'),
                         ('GET', '/resource_classes/VCPU'),
                         ('PUT', '/resource_classes/CUSTOM_Y'),
                         ('DELETE', '/resource_classes/CUSTOM_X')):
        response = client.request(method, path,
                                  headers={'x-auth-token': 'user'},
                                  json_body={'name': 'CUSTOM_Y'})
        assert response.status == 403, (method, path)
    assert _names(client)[CUSTOM_COUNT_BASE:] == ['CUSTOM_X']
