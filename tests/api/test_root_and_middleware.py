"""The root document and behaviour every URL shares: versions, errors,
content negotiation, auth."""


def test_root_lists_version_range(client):
    resp = client.get('/', version='1.0')
    assert resp.status == 200
    version = resp.json['versions'][0]
    assert version['min_version'] == '1.0'
    assert version['max_version'] == '1.39'
    assert resp.headers['openstack-api-version'] == 'placement 1.0'
    assert 'openstack-api-version' in resp.headers['vary']


def test_latest_is_1_39(client):
    resp = client.get('/', version='latest')
    assert resp.headers['openstack-api-version'] == 'placement 1.39'


def test_cache_headers_from_1_15(client):
    assert 'last-modified' not in client.get('/', version='1.14').headers
    resp = client.get('/', version='1.15')
    assert resp.headers['cache-control'] == 'no-cache'
    assert resp.headers['last-modified'].endswith('GMT')


def test_unsupported_version_is_406(client):
    resp = client.get('/', version='0.5')
    assert resp.status == 406
    assert resp.json['errors'][0]['title'] == 'Not Acceptable'
    assert 'Unacceptable version header: 0.5' in resp.json['errors'][0][
        'detail']
    assert client.get('/', version='1.40').status == 406


def test_malformed_version_is_400(client):
    for bad in ('pony.horse', '1.2.3'):
        resp = client.get('/', version=bad)
        assert resp.status == 400
        assert 'invalid version string: %s' % bad in resp.json[
            'errors'][0]['detail']


def test_unknown_url_is_json_404_with_request_id(client):
    resp = client.get('/barnabas', version='1.23')
    assert resp.status == 404
    error = resp.json['errors'][0]
    assert error['title'] == 'Not Found'
    assert error['code'] == 'placement.undefined_code'
    assert error['request_id'].startswith('req-')
    assert resp.headers['openstack-request-id'] == error['request_id']
    assert resp.headers['x-openstack-request-id'] == error['request_id']


def test_error_code_only_from_1_23(client):
    resp = client.get('/barnabas', version='1.22')
    assert 'code' not in resp.json['errors'][0]


def test_wrong_method_is_405_with_allow(client):
    resp = client.delete('/')
    assert resp.status == 405
    assert resp.headers['allow'] == 'GET'
    assert resp.headers['openstack-api-version'] == 'placement 1.39'


def test_root_needs_no_token(client):
    resp = client.get('/', headers={'x-auth-token': ''})
    assert resp.status == 200


def test_missing_token_is_401_elsewhere(app):
    import webob
    req = webob.Request.blank('/resource_providers',
                              headers={'accept': 'application/json'})
    resp = req.get_response(app)
    assert resp.status_int == 401
    assert resp.json['errors'][0]['status'] == 401


def test_nul_in_path_names_nothing(client):
    for path in ('/resource_classes/CUSTOM_%00', '/allocations/%00'):
        resp = client.get(path)
        assert resp.status == 404, path
        assert resp.json['errors'][0]['status'] == 404


def test_nul_or_non_utf8_query_is_400(client):
    for path in ('/traits?name=%00x', '/allocation_candidates?resources=%FF:1',
                 '/resource_providers?name=a%00'):
        resp = client.get(path)
        assert resp.status == 400, path
        assert 'Invalid query string parameters' in resp.json['errors'][0][
            'detail']


def test_out_of_range_generation_is_a_conflict(client):
    uuid = '1e3c7a55-7a5e-4d69-9f8a-9c1b8e9e2d01'
    client.post('/resource_providers', json={'name': 'big-gen',
                                             'uuid': uuid})
    resp = client.put('/resource_providers/%s/traits' % uuid,
                      json={'traits': [],
                            'resource_provider_generation': 2 ** 70})
    assert resp.status == 409
    assert resp.json['errors'][0]['code'] == 'placement.concurrent_update'
