"""/traits and /resource_providers/{uuid}/traits over HTTP: custom trait
CRUD, list filters, the traits of a provider with generations."""
import pytest

from tests import data

TRAIT_RULES = ('The trait is invalid. A valid trait must be no longer than '
               '255 characters, start with the prefix "CUSTOM_" and use '
               'following characters: "A"-"Z", "0"-"9" and "_"')


@pytest.fixture
def rp(db):
    return data.create_provider(db, 'rp')


def _rp_url(rp):
    return '/resource_providers/%s/traits' % rp.uuid


def _error(response):
    error = response.json['errors'][0]
    return error['detail'], error.get('code')


def _names(client, query=''):
    response = client.get('/traits' + query)
    assert response.status == 200, response
    return response.json['traits']


@pytest.mark.parametrize('path', [
    '/traits', '/traits/CUSTOM_X', '/resource_providers/%s/traits']
)
def test_not_before_1_6(client, rp, path):
    if '%s' in path:
        path = path % rp.uuid
    for method in ('GET', 'PUT', 'DELETE'):
        response = client.request(method, path, version='1.5')
        assert response.status in (404, 405), (method, response)
    assert client.get(path, version='1.5').status == 404


def test_create_show_delete_custom_trait(client, db):
    response = client.put('/traits/CUSTOM_GOLD', version='1.6')
    assert response.status == 201
    assert response.headers['location'].endswith('/traits/CUSTOM_GOLD')
    assert 'content-type' not in response.headers
    assert 'last-modified' not in response.headers
    response = client.put('/traits/CUSTOM_GOLD', version='1.6')
    assert response.status == 204
    assert response.headers['location'].endswith('/traits/CUSTOM_GOLD')

    response = client.put('/traits/CUSTOM_GOLD', version='1.15')
    assert response.status == 204
    assert response.headers['cache-control'] == 'no-cache'
    assert 'last-modified' in response.headers

    response = client.get('/traits/CUSTOM_GOLD', version='1.6')
    assert response.status == 204
    assert response.body == b''
    assert 'cache-control' not in response.headers
    response = client.get('/traits/CUSTOM_GOLD', version='1.15')
    assert response.status == 204
    assert 'last-modified' in response.headers

    response = client.delete('/traits/CUSTOM_GOLD')
    assert response.status == 204
    assert 'last-modified' not in response.headers
    assert client.get('/traits/CUSTOM_GOLD').status == 404
    assert client.delete('/traits/CUSTOM_GOLD').status == 404
    assert client.get('/traits/CUSTOM_%00').status == 404
    assert client.delete('/traits/CUSTOM_%00').status == 404


@pytest.mark.parametrize('name', [
    'TRAIT_X', 'CUSTOM_abc', 'CUSTOM_ABC:1', 'CUSTOM_', 'CUSTOM_' + 'A' * 249,
])
def test_create_invalid_trait_name(client, name):
    response = client.put('/traits/' + name)
    assert response.status == 400
    assert TRAIT_RULES in _error(response)[0]
    assert client.get('/traits/' + name).status == 404


def test_longest_custom_trait(client):
    name = 'CUSTOM_' + 'A' * 248
    assert client.put('/traits/' + name).status == 201


def test_delete_standard_and_in_use_traits(client, db, rp):
    response = client.delete('/traits/HW_CPU_X86_SSE')
    assert response.status == 400
    assert 'Cannot delete standard trait HW_CPU_X86_SSE' in (
        _error(response)[0])
    assert client.get('/traits/HW_CPU_X86_SSE').status == 204

    data.set_traits(db, rp, 'CUSTOM_USED')
    response = client.delete('/traits/CUSTOM_USED')
    assert response.status == 409
    assert 'The trait CUSTOM_USED is in use by a resource provider.' in (
        _error(response)[0])
    assert client.get('/traits/CUSTOM_USED').status == 204


def test_list_filters(client, db, rp):
    for name in ('CUSTOM_TRAIT_1', 'CUSTOM_TRAIT_2', 'CUSTOM_OTHER',
                 'CUSTOM_TRAITX'):
        data.ensure_trait(db, name)
    data.set_traits(db, rp, 'CUSTOM_TRAIT_1', 'HW_CPU_X86_SSE')

    everything = _names(client)
    assert {'CUSTOM_TRAIT_1', 'CUSTOM_OTHER', 'HW_CPU_X86_SSE',
            'MISC_SHARES_VIA_AGGREGATE'} <= set(everything)
    assert everything == sorted(everything)
    assert _names(client, '?name=in:CUSTOM_TRAIT_2,CUSTOM_OTHER,NOPE') == [
        'CUSTOM_OTHER', 'CUSTOM_TRAIT_2']
    # "_" in a prefix is a character, not a LIKE wildcard.
    assert _names(client, '?name=startswith:CUSTOM_TRAIT_') == [
        'CUSTOM_TRAIT_1', 'CUSTOM_TRAIT_2']
    assert _names(client, '?associated=true') == [
        'CUSTOM_TRAIT_1', 'HW_CPU_X86_SSE']
    unassociated = _names(client, '?associated=false')
    assert 'CUSTOM_TRAIT_2' in unassociated
    assert 'CUSTOM_TRAIT_1' not in unassociated
    assert _names(client, '?name=startswith:CUSTOM_&associated=true') == [
        'CUSTOM_TRAIT_1']


@pytest.mark.parametrize('query, fragment', [
    ('?name=in_abc', 'Badly formatted name parameter. Expected name query '
                     'string parameter in form: ?name=[in|startswith]:'
                     '[name1,name2|prefix]. Got: "in_abc"'),
    ('?name=other:X', 'Badly formatted name parameter'),
    ('?associated=xyz', 'The query parameter "associated" only accepts '
                        '"true" or "false"'),
    ('?invalid=abc', 'Invalid query string parameters: Additional '
                     'properties are not allowed'),
    ('?name=in:CUSTOM_%00', 'Invalid query string parameters'),
])
def test_list_bad_query(client, query, fragment):
    response = client.get('/traits' + query)
    assert response.status == 400
    assert fragment in _error(response)[0]


def test_list_cache_headers(client):
    assert 'last-modified' not in client.get('/traits',
                                             version='1.14').headers
    response = client.get('/traits', version='1.15')
    assert response.headers['cache-control'] == 'no-cache'
    assert 'last-modified' in response.headers


def test_provider_traits_set_and_delete(client, db, rp):
    data.ensure_trait(db, 'CUSTOM_A')
    response = client.get(_rp_url(rp), version='1.6')
    assert response.json == {'traits': [], 'resource_provider_generation': 0}
    assert 'last-modified' not in response.headers

    response = client.put(_rp_url(rp), version='1.6', json={
        'traits': ['CUSTOM_A', 'HW_CPU_X86_SSE'],
        'resource_provider_generation': 0})
    assert response.status == 200
    assert sorted(response.json['traits']) == ['CUSTOM_A', 'HW_CPU_X86_SSE']
    assert response.json['resource_provider_generation'] == 1
    assert 'cache-control' not in response.headers

    response = client.put(_rp_url(rp), version='1.15', json={
        'traits': ['CUSTOM_A'], 'resource_provider_generation': 1})
    assert response.json == {'traits': ['CUSTOM_A'],
                             'resource_provider_generation': 2}
    assert response.headers['cache-control'] == 'no-cache'
    body = client.get(_rp_url(rp)).json
    assert body == {'traits': ['CUSTOM_A'], 'resource_provider_generation': 2}

    response = client.delete(_rp_url(rp))
    assert response.status == 204
    assert 'content-type' not in response.headers
    assert client.get(_rp_url(rp)).json == {
        'traits': [], 'resource_provider_generation': 3}
    assert client.get('/resource_providers/%s' % rp.uuid).json[
        'generation'] == 3


def test_provider_traits_generation_conflict(client, db, rp):
    data.set_traits(db, rp, 'CUSTOM_KEEP')
    response = client.put(_rp_url(rp), version='1.23', json={
        'traits': ['HW_CPU_X86_SSE'], 'resource_provider_generation': 5})
    assert response.status == 409
    detail, code = _error(response)
    assert ("Resource provider's generation already changed. Please update "
            "the generation and try again.") in detail
    assert code == 'placement.concurrent_update'
    assert client.get(_rp_url(rp)).json['traits'] == ['CUSTOM_KEEP']


@pytest.mark.parametrize('body, fragment', [
    ({'traits': ['NON_EXISTED_TRAIT1', 'NON_EXISTED_TRAIT2', 'CUSTOM_KEEP'],
      'resource_provider_generation': 0},
     'No such trait NON_EXISTED_TRAIT1, NON_EXISTED_TRAIT2'),
    ({'traits': ['CUSTOM_KEEP']},
     "'resource_provider_generation' is a required property"),
    ({'traits': ['CUSTOM_KEEP'], 'resource_provider_generation': 'x'},
     "'x' is not of type 'integer'"),
    ({'traits': 'CUSTOM_KEEP', 'resource_provider_generation': 0},
     "'CUSTOM_KEEP' is not of type 'array'"),
    ({'traits': [], 'resource_provider_generation': 0, 'additional': 1},
     'Additional properties are not allowed'),
    ({'traits': ['CUSTOM_\x00'], 'resource_provider_generation': 0},
     'JSON does not validate'),
])
def test_provider_traits_bad_body_changes_nothing(client, db, rp, body,
                                                   fragment):
    data.set_traits(db, rp, 'CUSTOM_KEEP')
    response = client.put(_rp_url(rp), json=body)
    assert response.status == 400
    assert fragment in _error(response)[0]
    assert client.get(_rp_url(rp)).json == {
        'traits': ['CUSTOM_KEEP'], 'resource_provider_generation': 0}


def test_provider_traits_missing_provider(client):
    url = '/resource_providers/non_existed/traits'
    for method in ('GET', 'PUT', 'DELETE'):
        response = client.request(method, url, json_body={
            'traits': [], 'resource_provider_generation': 0})
        assert response.status == 404, method
        assert 'No resource provider with uuid non_existed found' in (
            _error(response)[0])


def test_policy(app, db, rp):
    from tests.conftest import Client
    data.ensure_trait(db, 'CUSTOM_X')
    user = Client(app, headers={'x-auth-token': 'user'})
    assert user.get('/traits').status == 403
    assert user.get('/traits/CUSTOM_X').status == 403
    assert user.put('/traits/CUSTOM_Y').status == 403
    assert user.delete('/traits/CUSTOM_X').status == 403
    assert user.get(_rp_url(rp)).status == 403
    assert user.put(_rp_url(rp), json={
        'traits': [], 'resource_provider_generation': 0}).status == 403
    assert user.delete(_rp_url(rp)).status == 403
    assert Client(app).get('/traits/CUSTOM_X').status == 204
    assert Client(app).get('/traits/CUSTOM_Y').status == 404
