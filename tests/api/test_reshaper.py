"""POST /reshaper: inventories and allocations moved in one step."""
import pytest

from tests import data

PROJECT = 'p1'
USER = 'u1'
# The reshaper is for services (its default policy is role:service).
SERVICE = {'x-roles': 'admin,service'}


def claim(client, rp_uuid, resources):
    consumer = data.new_uuid()
    response = client.put('/allocations/' + consumer, json={
        'allocations': {rp_uuid: {'resources': resources}},
        'project_id': PROJECT, 'user_id': USER,
        'consumer_generation': None}, version='1.28')
    assert response.status == 204, response
    return consumer


def entry(allocations, generation, **extra):
    return dict({'allocations': {rp: {'resources': res}
                                 for rp, res in allocations.items()},
                 'project_id': PROJECT, 'user_id': USER,
                 'consumer_generation': generation}, **extra)


@pytest.fixture
def tree(client, db):
    """A root with VCPU 8 and DISK_GB 100, two consumers of both, and an
    empty child: the state before VCPU moves to the child."""
    root = data.create_provider(db, 'root')
    child = data.create_provider(db, 'child', parent=root)
    data.add_inventory(db, root, 'VCPU', 8)
    data.add_inventory(db, root, 'DISK_GB', 100)
    first = claim(client, root.uuid, {'VCPU': 2, 'DISK_GB': 20})
    second = claim(client, root.uuid, {'VCPU': 4})
    return root, child, first, second


def move_body(root, child, first, second, root_generation=2):
    return {
        'inventories': {
            root.uuid: {'resource_provider_generation': root_generation,
                        'inventories': {'DISK_GB': {'total': 100}}},
            child.uuid: {'resource_provider_generation': 0,
                         'inventories': {'VCPU': {'total': 8}}},
        },
        'allocations': {
            first: entry({root.uuid: {'DISK_GB': 20},
                          child.uuid: {'VCPU': 2}}, 1),
            second: entry({child.uuid: {'VCPU': 4}}, 1),
        },
    }


def state(client, *providers):
    result = []
    for rp in providers:
        base = '/resource_providers/%s' % rp.uuid
        result.append((client.get(base + '/usages').json,
                       client.get(base + '/allocations').json))
    return result


def test_move_a_class_and_its_allocations_to_a_child(client, tree):
    root, child, first, second = tree
    response = client.post('/reshaper',
                           json=move_body(root, child, first, second),
                           version='1.30', headers=SERVICE)
    assert response.status == 204, response
    (root_usage, _), (child_usage, child_allocs) = state(client, root, child)
    # Each provider: union inventory, allocations, final inventory.
    assert root_usage == {'resource_provider_generation': 5,
                          'usages': {'DISK_GB': 20}}
    assert child_usage == {'resource_provider_generation': 3,
                           'usages': {'VCPU': 6}}
    assert child_allocs['allocations'] == {
        first: {'resources': {'VCPU': 2}, 'consumer_generation': 2},
        second: {'resources': {'VCPU': 4}, 'consumer_generation': 2}}
    assert client.get('/allocations/' + first).json[
        'consumer_generation'] == 2


@pytest.mark.parametrize('change, status, code, text', [
    # A stale provider generation.
    (lambda b, root, child, first, second: b['inventories'][root.uuid]
     .update(resource_provider_generation=1),
     409, 'placement.concurrent_update', 'actual: 2, given: 1'),
    # A provider of the inventories that does not exist.
    (lambda b, root, child, first, second: b['inventories'].update(
        {'39bafc00-3fff-444d-b87a-2ead3f866e05': {
            'resource_provider_generation': 0, 'inventories': {}}}),
     400, 'placement.resource_provider.not_found', 'in inventories not'),
    # VCPU leaves the root but the second consumer keeps it there.
    (lambda b, root, child, first, second: b['allocations'].pop(second),
     409, 'placement.inventory.inuse', "Inventory for 'VCPU'"),
    # The child's new inventory is too small for the moved allocations.
    (lambda b, root, child, first, second: b['inventories'][child.uuid][
        'inventories']['VCPU'].update(total=5),
     409, 'placement.undefined_code', 'Unable to allocate inventory'),
    (lambda b, root, child, first, second: b['inventories'][child.uuid][
        'inventories'].update(CUSTOM_NOPE={'total': 1}),
     400, 'placement.undefined_code', 'No such resource class CUSTOM_NOPE'),
    (lambda b, root, child, first, second: b['allocations'][first].update(
        consumer_generation=None),
     409, 'placement.concurrent_update', 'consumer generation conflict'),
])
def test_a_failure_changes_nothing(client, tree, change, status, code,
                                   text):
    root, child, first, second = tree
    before = state(client, root, child)
    payload = move_body(root, child, first, second)
    change(payload, root, child, first, second)
    response = client.post('/reshaper', json=payload, version='1.30',
                           headers=SERVICE)
    assert response.status == status, response
    error = response.json['errors'][0]
    assert error['code'] == code
    assert text in error['detail']
    assert state(client, root, child) == before


def test_versions_and_consumer_types(client, tree):
    root, child, first, second = tree
    payload = move_body(root, child, first, second)
    assert client.post('/reshaper', json=payload,
                       version='1.38').status == 403
    assert client.post('/reshaper', json=payload, headers=SERVICE,
                       version='1.29').status == 404
    typed = move_body(root, child, first, second)
    for consumer in typed['allocations'].values():
        consumer['consumer_type'] = 'INSTANCE'
    assert client.post('/reshaper', json=typed, headers=SERVICE,
                       version='1.37').status == 400
    assert client.post('/reshaper', json=payload, headers=SERVICE,
                       version='1.38').status == 400
    assert client.post('/reshaper', json=typed, headers=SERVICE,
                       version='1.38').status == 204
    assert client.get('/allocations/' + second).json[
        'consumer_type'] == 'INSTANCE'
