"""PUT/GET/DELETE /allocations/{consumer_uuid}, POST /allocations and
GET /resource_providers/{uuid}/allocations across microversions."""
from oslo_db import exception as db_exc
import pytest
import sqlalchemy as sa

from placement.conf import placement as placement_conf
from placement.db import tables
from tests import data

PROJECT = 'a-project'
USER = 'a-user'


@pytest.fixture
def rp(db):
    """A provider with VCPU 8 and DISK_GB 100 (units of 10, at most 50)."""
    provider = data.create_provider(db, 'compute')
    data.add_inventory(db, provider, 'VCPU', 8)
    data.add_inventory(db, provider, 'DISK_GB', 100, min_unit=10,
                       max_unit=50, step_size=10)
    return provider


def body(rp_uuid, resources, generation=None, **extra):
    """A 1.28+ PUT body."""
    result = {'allocations': {rp_uuid: {'resources': resources}},
              'project_id': PROJECT, 'user_id': USER,
              'consumer_generation': generation}
    result.update(extra)
    return result


def provider_generation(client, rp):
    return client.get('/resource_providers/%s/usages' % rp.uuid).json[
        'resource_provider_generation']


def consumer_rows(db, consumer_uuid):
    with db.engine.connect() as conn:
        return conn.execute(sa.select(tables.consumers).where(
            tables.consumers.c.uuid == consumer_uuid)).all()


def error(response):
    return response.json['errors'][0]


def test_put_then_get_shows_what_each_version_knows(client, rp):
    consumer = data.new_uuid()
    put = client.put('/allocations/' + consumer,
                     json=body(rp.uuid, {'VCPU': 2, 'DISK_GB': 20}),
                     version='1.28')
    assert put.status == 204
    assert 'last-modified' not in put.headers

    expected = {rp.uuid: {'generation': 1,
                          'resources': {'VCPU': 2, 'DISK_GB': 20}}}
    old = client.get('/allocations/' + consumer, version='1.11')
    assert old.json == {'allocations': expected}
    assert 'last-modified' not in old.headers
    v12 = client.get('/allocations/' + consumer, version='1.12')
    assert v12.json == {'allocations': expected, 'project_id': PROJECT,
                        'user_id': USER}
    # A consumer written without a type shows as 'unknown' (as upstream
    # 16.0.0 answers; tests/takeover reads upstream's data back).
    v38 = client.get('/allocations/' + consumer, version='1.38')
    assert v38.json == {'allocations': expected, 'project_id': PROJECT,
                        'user_id': USER, 'consumer_generation': 1,
                        'consumer_type': 'unknown'}
    assert v38.headers['cache-control'] == 'no-cache'
    assert 'last-modified' in v38.headers

    # From 1.28 a provider's allocations carry each consumer's generation
    # (as upstream 16.0.0 answers).
    for version, extra in (('1.27', {}), ('1.28', {'consumer_generation': 1}),
                           ('latest', {'consumer_generation': 1})):
        by_rp = client.get('/resource_providers/%s/allocations' % rp.uuid,
                           version=version)
        assert by_rp.json == {
            'allocations': {consumer: dict(
                {'resources': {'VCPU': 2, 'DISK_GB': 20}}, **extra)},
            'resource_provider_generation': 1}


def test_unknown_consumer_has_empty_allocations(client):
    for version in ('1.0', '1.28', '1.38'):
        response = client.get('/allocations/' + data.new_uuid(),
                              version=version)
        assert response.json == {'allocations': {}}


def test_list_form_before_1_8_records_the_incomplete_consumer_ids(
        client, rp, db):
    consumer = data.new_uuid()
    items = [{'resource_provider': {'uuid': rp.uuid},
              'resources': {'VCPU': 1}}]
    refused = client.put('/allocations/' + consumer,
                         json={'allocations': items, 'project_id': PROJECT,
                               'user_id': USER}, version='1.7')
    assert refused.status == 400
    assert client.put('/allocations/' + consumer,
                      json={'allocations': items},
                      version='1.7').status == 204
    shown = client.get('/allocations/' + consumer, version='1.12').json
    assert shown['project_id'] == placement_conf.DEFAULT_CONSUMER_MISSING_ID
    assert shown['user_id'] == placement_conf.DEFAULT_CONSUMER_MISSING_ID

    # From 1.8 on project and user are required, and a later write that
    # names them completes the consumer.
    missing = client.put('/allocations/' + consumer,
                         json={'allocations': items}, version='1.8')
    assert missing.status == 400
    assert "'project_id' is a required property" in error(missing)['detail']
    assert client.put('/allocations/' + consumer,
                      json={'allocations': items, 'project_id': PROJECT,
                            'user_id': USER}, version='1.8').status == 204
    shown = client.get('/allocations/' + consumer, version='1.12').json
    assert (shown['project_id'], shown['user_id']) == (PROJECT, USER)
    assert len(consumer_rows(db, consumer)) == 1


def test_dict_form_from_1_12_and_list_form_refused(client, rp):
    consumer = data.new_uuid()
    items = [{'resource_provider': {'uuid': rp.uuid},
              'resources': {'VCPU': 1}}]
    listish = client.put('/allocations/' + consumer,
                         json={'allocations': items, 'project_id': PROJECT,
                               'user_id': USER}, version='1.12')
    assert listish.status == 400
    dictish = body(rp.uuid, {'VCPU': 1})
    del dictish['consumer_generation']
    # The provider generation GET shows may be sent back; it is ignored.
    dictish['allocations'][rp.uuid]['generation'] = 99
    assert client.put('/allocations/' + consumer, json=dictish,
                      version='1.12').status == 204
    # Before 1.28 no generation is allowed, from 1.28 it is required.
    assert client.put('/allocations/' + consumer,
                      json=dict(dictish, consumer_generation=1),
                      version='1.27').status == 400
    assert client.put('/allocations/' + consumer, json=dictish,
                      version='1.28').status == 400


def test_consumer_generation_rules(client, rp):
    consumer = data.new_uuid()
    url = '/allocations/' + consumer
    new_with_generation = client.put(url, json=body(rp.uuid, {'VCPU': 1}, 5),
                                     version='1.28')
    assert new_with_generation.status == 409
    assert error(new_with_generation)['code'] == 'placement.concurrent_update'
    assert ('consumer generation conflict - expected null but got 5' in
            error(new_with_generation)['detail'])

    assert client.put(url, json=body(rp.uuid, {'VCPU': 1}),
                      version='1.28').status == 204
    again_as_new = client.put(url, json=body(rp.uuid, {'VCPU': 2}),
                              version='1.28')
    assert again_as_new.status == 409
    stale = client.put(url, json=body(rp.uuid, {'VCPU': 2}, 7),
                       version='1.28')
    assert stale.status == 409
    assert 'expected 1 but got 7' in error(stale)['detail']
    assert client.put(url, json=body(rp.uuid, {'VCPU': 2}, 1),
                      version='1.28').status == 204
    shown = client.get(url, version='1.28').json
    assert shown['consumer_generation'] == 2
    assert shown['allocations'][rp.uuid]['resources'] == {'VCPU': 2}
    # Older microversions overwrite without a generation, and bump it.
    old_form = body(rp.uuid, {'VCPU': 3})
    del old_form['consumer_generation']
    assert client.put(url, json=old_form, version='1.27').status == 204
    assert client.get(url, version='1.28').json['consumer_generation'] == 3


def test_empty_allocations_remove_the_consumer_from_1_28(client, rp, db):
    consumer = data.new_uuid()
    url = '/allocations/' + consumer
    assert client.put(url, json=body(rp.uuid, {'VCPU': 1}),
                      version='1.28').status == 204
    empty = {'allocations': {}, 'project_id': PROJECT, 'user_id': USER}
    assert client.put(url, json=empty, version='1.27').status == 400
    assert client.put(url, json=dict(empty, consumer_generation=0),
                      version='1.28').status == 409
    assert client.put(url, json=dict(empty, consumer_generation=1),
                      version='1.28').status == 204
    assert client.get(url, version='1.28').json == {'allocations': {}}
    assert consumer_rows(db, consumer) == []
    usages = client.get('/resource_providers/%s/usages' % rp.uuid).json
    assert usages['usages']['VCPU'] == 0
    # Clearing them changes the provider's generation, as upstream's does.
    assert usages['resource_provider_generation'] == 2
    # Nothing to remove for a consumer that does not exist: no record.
    assert client.put(url, json=dict(empty, consumer_generation=None),
                      version='1.28').status == 204
    assert consumer_rows(db, consumer) == []


def test_inventory_constraints_and_capacity(client, db):
    rp = data.create_provider(db, 'constrained')
    # Capacity (10 - 2) * 1.5 = 12.
    data.add_inventory(db, rp, 'VCPU', 10, reserved=2, min_unit=2,
                       max_unit=6, step_size=2, allocation_ratio=1.5)
    for amount in (1, 7, 3):
        refused = client.put('/allocations/' + data.new_uuid(),
                             json=body(rp.uuid, {'VCPU': amount}),
                             version='1.28')
        assert refused.status == 409, amount
        assert ('would violate inventory constraints' in
                error(refused)['detail'])
    for _ in range(2):
        assert client.put('/allocations/' + data.new_uuid(),
                          json=body(rp.uuid, {'VCPU': 6}),
                          version='1.28').status == 204
    full = client.put('/allocations/' + data.new_uuid(),
                      json=body(rp.uuid, {'VCPU': 2}), version='1.28')
    assert full.status == 409
    assert ("Unable to allocate inventory: Unable to create allocation for "
            "'VCPU' on resource provider '%s'. The requested amount would "
            "exceed the capacity." % rp.uuid) in error(full)['detail']
    usages = client.get('/resource_providers/%s/usages' % rp.uuid).json
    assert usages == {'resource_provider_generation': 2,
                      'usages': {'VCPU': 12}}


def test_unknown_class_provider_or_inventory(client, rp):
    consumer = data.new_uuid()
    url = '/allocations/' + consumer
    bad_class = client.put(url, json=body(rp.uuid, {'CUSTOM_NOPE': 1}),
                           version='1.28')
    assert bad_class.status == 400
    assert ('Unable to allocate inventory for consumer %s: No such resource '
            'class CUSTOM_NOPE' % consumer) in error(bad_class)['detail']
    missing_rp = data.new_uuid()
    bad_rp = client.put(url, json=body(missing_rp, {'VCPU': 1}),
                        version='1.28')
    assert bad_rp.status == 400
    assert ("Allocation for resource provider '%s' that does not exist" %
            missing_rp) in error(bad_rp)['detail']
    no_inventory = client.put(url, json=body(rp.uuid, {'MEMORY_MB': 1}),
                              version='1.28')
    assert no_inventory.status == 409
    assert ("Inventory for 'MEMORY_MB' on resource provider '%s' invalid" %
            rp.uuid) in error(no_inventory)['detail']
    lower_case = client.put(url, json=body(rp.uuid, {'vcpu': 1}),
                            version='1.28')
    assert lower_case.status == 400
    zero = client.put(url, json=body(rp.uuid, {'VCPU': 0}), version='1.28')
    assert zero.status == 400
    # Nothing of it was written.
    assert client.get(url).json == {'allocations': {}}
    assert provider_generation(client, rp) == 0


def test_rewrite_over_a_shrunken_inventory_is_allowed_if_no_worse(
        client, rp, db):
    consumer = data.new_uuid()
    url = '/allocations/' + consumer
    assert client.put(url, json=body(rp.uuid, {'VCPU': 6}),
                      version='1.28').status == 204
    with db.engine.begin() as conn:
        conn.execute(tables.inventories.update()
                     .where(tables.inventories.c.resource_provider_id ==
                            rp.id)
                     .values(total=4))
    # VCPU max_unit is still 8: 6 does not fit a capacity of 4 any more,
    # but writing it again does not make things worse.
    assert client.put(url, json=body(rp.uuid, {'VCPU': 6}, 1),
                      version='1.28').status == 204
    assert client.put(url, json=body(rp.uuid, {'VCPU': 5}, 2),
                      version='1.28').status == 204
    worse = client.put(url, json=body(rp.uuid, {'VCPU': 6}, 3),
                       version='1.28')
    assert worse.status == 409
    assert 'exceed the capacity' in error(worse)['detail']


def test_consumer_uuid_forms(client, rp):
    bad = client.put('/allocations/not-a-uuid',
                     json=body(rp.uuid, {'VCPU': 1}), version='1.28')
    assert bad.status == 400
    assert 'Malformed consumer_uuid: not-a-uuid' in error(bad)['detail']
    consumer = data.new_uuid()
    assert client.put('/allocations/' + consumer.replace('-', '').upper(),
                      json=body(rp.uuid.replace('-', ''), {'VCPU': 1}),
                      version='1.28').status == 204
    shown = client.get('/allocations/' + consumer).json
    assert shown['allocations'][rp.uuid]['resources'] == {'VCPU': 1}
    assert client.get('/allocations/not-a-uuid').json == {'allocations': {}}


def test_delete(client, rp, db):
    consumer = data.new_uuid()
    url = '/allocations/' + consumer
    assert client.put(url, json=body(rp.uuid, {'VCPU': 1}),
                      version='1.28').status == 204
    assert client.delete(url).status == 204
    assert consumer_rows(db, consumer) == []
    assert client.get(url).json == {'allocations': {}}
    assert provider_generation(client, rp) == 1
    gone = client.delete(url)
    assert gone.status == 404
    assert ("No allocations for consumer '%s'" % consumer in
            error(gone)['detail'])


def test_project_and_user_of_an_existing_consumer_follow_the_writes(
        client, rp):
    consumer = data.new_uuid()
    url = '/allocations/' + consumer
    assert client.put(url, json=body(rp.uuid, {'VCPU': 1}),
                      version='1.28').status == 204
    assert client.put(url, json=body(rp.uuid, {'VCPU': 1}, 1,
                                     project_id='other-project',
                                     user_id='other-user'),
                      version='1.28').status == 204
    shown = client.get(url, version='1.28').json
    assert (shown['project_id'], shown['user_id'],
            shown['consumer_generation']) == ('other-project', 'other-user',
                                              2)


def test_consumer_type_from_1_38(client, rp):
    consumer = data.new_uuid()
    url = '/allocations/' + consumer
    untyped = client.put(url, json=body(rp.uuid, {'VCPU': 1}),
                         version='1.38')
    assert untyped.status == 400
    assert "'consumer_type' is a required property" in error(
        untyped)['detail']
    assert client.put(url, json=body(rp.uuid, {'VCPU': 1},
                                     consumer_type='INSTANCE'),
                      version='1.38').status == 204
    assert client.get(url).json['consumer_type'] == 'INSTANCE'
    # A write of an older microversion keeps the type.
    assert client.put(url, json=body(rp.uuid, {'VCPU': 2}, 1),
                      version='1.37').status == 204
    assert client.get(url).json['consumer_type'] == 'INSTANCE'
    assert client.put(url, json=body(rp.uuid, {'VCPU': 2}, 2,
                                     consumer_type='MIGRATION'),
                      version='1.38').status == 204
    assert client.get(url).json['consumer_type'] == 'MIGRATION'
    assert client.put(url, json=body(rp.uuid, {'VCPU': 2}, 3,
                                     consumer_type='migration'),
                      version='1.38').status == 400


def test_mappings_accepted_from_1_34_and_not_stored(client, rp):
    consumer = data.new_uuid()
    url = '/allocations/' + consumer
    with_mappings = body(rp.uuid, {'VCPU': 1}, mappings={'': [rp.uuid]})
    assert client.put(url, json=with_mappings,
                      version='1.33').status == 400
    assert client.put(url, json=dict(with_mappings, mappings={}),
                      version='1.34').status == 400
    assert client.put(url, json=with_mappings, version='1.34').status == 204
    assert 'mappings' not in client.get(url).json


def test_post_sets_and_clears_several_consumers_atomically(client, rp, db):
    first, second = data.new_uuid(), data.new_uuid()

    def entry(resources, generation=None):
        result = body(rp.uuid, resources, generation)
        if not resources:
            result['allocations'] = {}
        return result

    assert client.post('/allocations', json={first: entry({'VCPU': 1})},
                       version='1.12').status == 404
    assert client.post('/allocations', json={
        first: entry({'VCPU': 3}), second: entry({'VCPU': 4}),
    }, version='1.28').status == 204
    assert provider_generation(client, rp) == 1
    # Together over capacity (3 + 6 > 8): nothing changes.
    refused = client.post('/allocations', json={
        first: entry({'VCPU': 3}, 1), second: entry({'VCPU': 6}, 1),
    }, version='1.28')
    assert refused.status == 409
    assert 'exceed the capacity' in error(refused)['detail']
    # One stale generation: nothing changes either.
    stale = client.post('/allocations', json={
        first: entry({}, 1), second: entry({'VCPU': 5}, 9),
    }, version='1.28')
    assert stale.status == 409
    assert error(stale)['code'] == 'placement.concurrent_update'
    assert client.get('/allocations/' + first).json['allocations']
    # Clear one, grow the other.
    assert client.post('/allocations', json={
        first: entry({}, 1), second: entry({'VCPU': 8}, 1),
    }, version='1.28').status == 204
    assert consumer_rows(db, first) == []
    assert client.get('/allocations/' + second).json[
        'consumer_generation'] == 2
    assert provider_generation(client, rp) == 2
    # Before 1.28 no generations are sent, and none are checked.
    old = {second: {'allocations': {rp.uuid: {'resources': {'VCPU': 1}}},
                    'project_id': PROJECT, 'user_id': USER}}
    assert client.post('/allocations', json=old,
                       version='1.13').status == 204
    assert client.post('/allocations', json={second: {'cow': 'moo'}},
                       version='1.13').status == 400


def test_provider_allocations_of_an_unknown_provider(client):
    missing = data.new_uuid()
    response = client.get('/resource_providers/%s/allocations' % missing)
    assert response.status == 404
    assert "Resource provider '%s' not found" % missing in error(
        response)['detail']


def test_a_deadlock_that_outlives_the_retries_is_a_conflict(client, rp, db):
    assert provider_generation(client, rp) == 0
    commits = []

    def always_deadlock(conn):
        commits.append(conn)
        raise db_exc.DBDeadlock()

    sa.event.listen(db.engine, 'commit', always_deadlock)
    try:
        response = client.put('/allocations/' + data.new_uuid(),
                              json=body(rp.uuid, {'VCPU': 1}),
                              version='1.28')
    finally:
        sa.event.remove(db.engine, 'commit', always_deadlock)
    assert response.status == 409
    assert error(response)['code'] == 'placement.concurrent_update'
    assert len(commits) > 1
    assert provider_generation(client, rp) == 0
