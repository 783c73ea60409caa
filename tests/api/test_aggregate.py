"""/resource_providers/{uuid}/aggregates over HTTP: the list format before
1.19, the generation-aware format from 1.19, validation and conflicts."""
import pytest
import sqlalchemy as sa

from placement.db import tables
from tests import data

AGG_1 = 'f918801a-5e54-4bee-9095-09a9d0c786b8'
AGG_2 = 'a893eb5c-e2a0-4251-ab26-f71d3b0cfc0b'
AGG_3 = '83a3d69d-8920-48e2-8914-cadfd8fa2f91'


@pytest.fixture
def rp(db):
    return data.create_provider(db, 'rp')


def _url(rp):
    return '/resource_providers/%s/aggregates' % rp.uuid


def _generation(client, rp):
    return client.get('/resource_providers/%s' % rp.uuid).json['generation']


def _error(response):
    error = response.json['errors'][0]
    return error['detail'], error.get('code')


def test_not_before_1_1(client, rp):
    assert client.get(_url(rp), version='1.0').status == 404
    assert client.put(_url(rp), json=[AGG_1], version='1.0').status == 404


def test_missing_provider(client):
    url = '/resource_providers/%s/aggregates' % data.new_uuid()
    assert client.get(url).status == 404
    # The provider is looked up before the body is checked.
    response = client.put(url, json=[])
    assert response.status == 404
    assert 'No resource provider with uuid' in _error(response)[0]


def test_list_format_before_1_19_leaves_generation(client, rp):
    response = client.get(_url(rp), version='1.18')
    assert response.json == {'aggregates': []}
    response = client.put(_url(rp), json=[AGG_1, AGG_2], version='1.18')
    assert response.status == 200
    assert response.json == {'aggregates': [AGG_1, AGG_2]}
    assert _generation(client, rp) == 0
    assert sorted(client.get(_url(rp), version='1.1').json['aggregates']) \
        == sorted([AGG_1, AGG_2])
    response = client.put(_url(rp), json=[AGG_3], version='1.14')
    assert response.json == {'aggregates': [AGG_3]}
    assert 'last-modified' not in response.headers
    assert 'cache-control' not in response.headers
    assert _generation(client, rp) == 0


def test_generation_format_from_1_19(client, rp):
    response = client.get(_url(rp))
    assert response.json == {'aggregates': [],
                             'resource_provider_generation': 0}
    assert response.headers['cache-control'] == 'no-cache'
    response = client.put(_url(rp), json={
        'aggregates': [AGG_1, AGG_2], 'resource_provider_generation': 0})
    assert response.status == 200
    assert response.json == {'aggregates': [AGG_1, AGG_2],
                             'resource_provider_generation': 1}
    assert 'last-modified' in response.headers
    assert _generation(client, rp) == 1
    body = client.get(_url(rp)).json
    assert sorted(body['aggregates']) == sorted([AGG_1, AGG_2])
    assert body['resource_provider_generation'] == 1

    response = client.put(_url(rp), json={
        'aggregates': [], 'resource_provider_generation': 0})
    assert response.status == 409
    assert _error(response)[1] == 'placement.concurrent_update'
    assert len(client.get(_url(rp)).json['aggregates']) == 2

    response = client.put(_url(rp), json={
        'aggregates': [AGG_2, AGG_3], 'resource_provider_generation': 1})
    assert response.json['resource_provider_generation'] == 2
    assert sorted(client.get(_url(rp)).json['aggregates']) == sorted(
        [AGG_2, AGG_3])


@pytest.mark.parametrize('version, body, fragment', [
    ('1.19', [AGG_1], 'JSON does not validate'),
    ('1.18', {'aggregates': [AGG_1], 'resource_provider_generation': 0},
     'JSON does not validate'),
    ('1.19', {'aggregates': [AGG_1]},
     "'resource_provider_generation' is a required property"),
    ('1.19', {'aggregates': ['harry'], 'resource_provider_generation': 0},
     "is not a 'uuid'"),
    ('1.19', {'aggregates': [AGG_1, AGG_1],
              'resource_provider_generation': 0}, 'has non-unique elements'),
    ('1.1', ['sally'], "is not a 'uuid'"),
    ('1.19', {'aggregates': [], 'resource_provider_generation': 0,
              'extra': 1}, 'Additional properties'),
])
def test_invalid_body_changes_nothing(client, db, rp, version, body,
                                      fragment):
    data.set_aggregates(db, rp, AGG_3)
    response = client.put(_url(rp), json=body, version=version)
    assert response.status == 400
    assert fragment in _error(response)[0]
    assert client.get(_url(rp)).json == {
        'aggregates': [AGG_3], 'resource_provider_generation': 0}


def test_malformed_json(client, rp):
    response = client.put(_url(rp), body=b'{"bad", "not json"}',
                          content_type='application/json')
    assert response.status == 400
    assert 'Malformed JSON' in _error(response)[0]


def test_aggregates_are_shared_rows(client, db, rp):
    other = data.create_provider(db, 'other')
    for provider in (rp, other):
        assert client.put(_url(provider), json={
            'aggregates': [AGG_1], 'resource_provider_generation': 0},
        ).status == 200
    with db.engine.connect() as conn:
        assert conn.execute(sa.select(
            tables.placement_aggregates.c.uuid)).scalars().all() == [AGG_1]


def test_policy(app, rp):
    from tests.conftest import Client
    user = Client(app, headers={'x-auth-token': 'user'})
    assert user.get(_url(rp)).status == 403
    assert user.put(_url(rp), json={
        'aggregates': [AGG_1], 'resource_provider_generation': 0},
    ).status == 403
