"""GET /resource_providers/{uuid}/usages and GET /usages."""
from tests import data


def put(client, rp, consumer, resources, project='p1', user='u1',
        consumer_type=None):
    payload = {'allocations': {rp.uuid: {'resources': resources}},
               'project_id': project, 'user_id': user,
               'consumer_generation': None}
    version = '1.28'
    if consumer_type:
        payload['consumer_type'] = consumer_type
        version = '1.38'
    response = client.put('/allocations/' + consumer, json=payload,
                          version=version)
    assert response.status == 204, response


def test_provider_usages_list_every_inventory_class(client, db):
    rp = data.create_provider(db, 'rp')
    data.add_inventory(db, rp, 'VCPU', 8)
    data.add_inventory(db, rp, 'MEMORY_MB', 1024)
    url = '/resource_providers/%s/usages' % rp.uuid
    assert client.get(url).json == {
        'resource_provider_generation': 0,
        'usages': {'VCPU': 0, 'MEMORY_MB': 0}}
    put(client, rp, data.new_uuid(), {'VCPU': 2})
    put(client, rp, data.new_uuid(), {'VCPU': 3, 'MEMORY_MB': 512})
    response = client.get(url, version='1.15')
    assert response.json == {'resource_provider_generation': 2,
                             'usages': {'VCPU': 5, 'MEMORY_MB': 512}}
    assert response.headers['cache-control'] == 'no-cache'
    assert 'last-modified' not in client.get(url, version='1.14').headers

    missing = data.new_uuid()
    response = client.get('/resource_providers/%s/usages' % missing)
    assert response.status == 404
    assert ('No resource provider with uuid %s found' % missing in
            response.json['errors'][0]['detail'])


def test_total_usages_of_a_project_and_user(client, db):
    rp = data.create_provider(db, 'rp')
    data.add_inventory(db, rp, 'VCPU', 100)
    data.add_inventory(db, rp, 'DISK_GB', 100)
    put(client, rp, data.new_uuid(), {'VCPU': 2, 'DISK_GB': 10})
    put(client, rp, data.new_uuid(), {'VCPU': 3}, user='u2')
    put(client, rp, data.new_uuid(), {'VCPU': 7}, project='p2')

    assert client.get('/usages?project_id=p1',
                      version='1.8').status == 404
    assert client.get('/usages', version='1.9').status == 400
    assert client.get('/usages?project_id=p1&cow=1',
                      version='1.9').status == 400
    assert client.get('/usages?project_id=p1&consumer_type=all',
                      version='1.37').status == 400
    assert client.get('/usages?project_id=p1', version='1.9').json == {
        'usages': {'VCPU': 5, 'DISK_GB': 10}}
    assert client.get('/usages?project_id=p1&user_id=u2',
                      version='1.37').json == {'usages': {'VCPU': 3}}
    assert client.get('/usages?project_id=nobody',
                      version='1.9').json == {'usages': {}}


def test_usages_by_consumer_type_from_1_38(client, db):
    rp = data.create_provider(db, 'rp')
    data.add_inventory(db, rp, 'VCPU', 100)
    data.add_inventory(db, rp, 'DISK_GB', 100)
    put(client, rp, data.new_uuid(), {'VCPU': 1}, consumer_type='INSTANCE')
    put(client, rp, data.new_uuid(), {'VCPU': 2, 'DISK_GB': 5},
        consumer_type='INSTANCE')
    put(client, rp, data.new_uuid(), {'VCPU': 4},
        consumer_type='MIGRATION')
    put(client, rp, data.new_uuid(), {'DISK_GB': 8})
    put(client, rp, data.new_uuid(), {'VCPU': 16}, project='p2',
        consumer_type='INSTANCE')

    def usages(query):
        response = client.get('/usages?project_id=p1' + query,
                              version='1.38')
        assert response.status == 200
        return response.json['usages']

    assert usages('') == {
        'INSTANCE': {'consumer_count': 2, 'VCPU': 3, 'DISK_GB': 5},
        'MIGRATION': {'consumer_count': 1, 'VCPU': 4},
        'unknown': {'consumer_count': 1, 'DISK_GB': 8},
    }
    assert usages('&consumer_type=MIGRATION') == {
        'MIGRATION': {'consumer_count': 1, 'VCPU': 4}}
    assert usages('&consumer_type=all') == {
        'all': {'consumer_count': 4, 'VCPU': 7, 'DISK_GB': 13}}
    assert usages('&consumer_type=unknown') == {
        'unknown': {'consumer_count': 1, 'DISK_GB': 8}}
    assert usages('&consumer_type=ALL') == {}
    assert usages('&consumer_type=COW') == {}
