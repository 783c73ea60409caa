"""/resource_providers and /resource_providers/{uuid} over HTTP: create,
show, update, delete; nested providers; links and headers by
microversion; validation and conflicts."""
import pytest
import sqlalchemy as sa

from placement.db import tables
from tests import data

LATEST = '1.39'


def _url(uuid):
    return '/resource_providers/%s' % uuid


def _error(response):
    error = response.json['errors'][0]
    return error['detail'], error.get('code')


def _create(client, name, uuid=None, parent=None, **kw):
    body = {'name': name}
    if uuid:
        body['uuid'] = uuid
    if parent:
        body['parent_provider_uuid'] = parent
    return client.post('/resource_providers', json=body, **kw)


def _provider_rows(db):
    with db.engine.connect() as conn:
        return sorted(conn.execute(sa.select(
            tables.resource_providers.c.uuid,
            tables.resource_providers.c.name,
            tables.resource_providers.c.parent_provider_id,
            tables.resource_providers.c.root_provider_id)).all())


def test_create_before_and_after_1_20(client):
    uuid = data.new_uuid()
    response = _create(client, 'old', uuid, version='1.19')
    assert response.status == 201
    assert response.body == b''
    assert 'content-type' not in response.headers
    assert response.headers['location'].endswith(_url(uuid))

    response = _create(client, 'new')
    assert response.status == 200
    body = response.json
    assert response.headers['location'].endswith(_url(body['uuid']))
    assert body['name'] == 'new'
    assert body['generation'] == 0
    assert body['parent_provider_uuid'] is None
    assert body['root_provider_uuid'] == body['uuid']
    assert response.headers['cache-control'] == 'no-cache'
    assert 'last-modified' in response.headers
    shown = client.get(_url(body['uuid'])).json
    assert shown == body
    # As upstream: the URL names a provider by its stored spelling only.
    spelt_otherwise = body['uuid'].replace('-', '').upper()
    assert client.get(_url(spelt_otherwise)).status == 404


def test_show_fields_and_links_by_microversion(client, db):
    rp = data.create_provider(db, 'rp')
    expected_rels = [
        ('1.0', {'self', 'inventories', 'usages'}),
        ('1.1', {'self', 'inventories', 'usages', 'aggregates'}),
        ('1.5', {'self', 'inventories', 'usages', 'aggregates'}),
        ('1.6', {'self', 'inventories', 'usages', 'aggregates', 'traits'}),
        ('1.11', {'self', 'inventories', 'usages', 'aggregates', 'traits',
                  'allocations'}),
        (LATEST, {'self', 'inventories', 'usages', 'aggregates', 'traits',
                  'allocations'}),
    ]
    for version, rels in expected_rels:
        body = client.get(_url(rp.uuid), version=version).json
        links = {link['rel']: link['href'] for link in body['links']}
        assert set(links) == rels, version
        assert len(body['links']) == len(rels)
        for rel, href in links.items():
            suffix = '' if rel == 'self' else '/' + rel
            assert href == _url(rp.uuid) + suffix
    old = client.get(_url(rp.uuid), version='1.13')
    assert set(old.json) == {'uuid', 'name', 'generation', 'links'}
    assert 'last-modified' not in old.headers
    assert 'cache-control' not in old.headers
    new = client.get(_url(rp.uuid), version='1.14').json
    assert new['root_provider_uuid'] == rp.uuid
    assert new['parent_provider_uuid'] is None


def test_show_missing_provider(client):
    uuid = data.new_uuid()
    response = client.get(_url(uuid))
    assert response.status == 404
    assert 'No resource provider with uuid %s found' % uuid in (
        _error(response)[0])
    assert _error(response)[1] == 'placement.undefined_code'
    assert client.get(_url('not-a-uuid')).status == 404
    assert client.get(_url('%00')).status == 404
    assert client.delete(_url('%00')).status == 404


@pytest.mark.parametrize('body, fragment', [
    ({}, "'name' is a required property"),
    ({'name': 'x', 'uuid': 'not a uuid'}, "Failed validating 'format'"),
    ({'name': 'x' * 201}, "Failed validating 'maxLength'"),
    ({'name': ''}, 'Object action create failed because: name is '
                   'required'),
    ({'name': 'x', 'color': 'blue'}, 'Additional properties'),
    ({'name': 7}, 'JSON does not validate'),
    ({'name': 'nul\x00name'}, 'JSON does not validate'),
])
def test_create_invalid_body_changes_nothing(client, db, body, fragment):
    response = client.post('/resource_providers', json=body)
    assert response.status == 400
    assert fragment in _error(response)[0]
    assert _provider_rows(db) == []


def test_create_bad_media_and_json(client, db):
    response = client.post('/resource_providers', body=b'{"name": }',
                           content_type='application/json')
    assert response.status == 400
    assert 'Malformed JSON' in _error(response)[0]
    response = client.post('/resource_providers', body=b'name=x',
                           content_type='text/plain')
    assert response.status == 415
    assert _provider_rows(db) == []


def test_parent_field_needs_1_14(client, db):
    parent = data.create_provider(db, 'parent')
    response = _create(client, 'child', parent=parent.uuid, version='1.13')
    assert response.status == 400
    assert 'JSON does not validate' in _error(response)[0]
    response = client.put(_url(parent.uuid), version='1.13', json={
        'name': 'parent', 'parent_provider_uuid': parent.uuid})
    assert response.status == 400
    assert len(_provider_rows(db)) == 1


def test_duplicate_uuid_and_name(client, db):
    uuid = data.new_uuid()
    assert _create(client, 'first', uuid).status == 200

    response = _create(client, 'first', data.new_uuid())
    assert response.status == 409
    detail, code = _error(response)
    assert 'Conflicting resource provider name: first already exists' in (
        detail)
    assert code == 'placement.duplicate_name'

    # The same uuid spelt without dashes is the same uuid.
    response = _create(client, 'second', uuid.replace('-', '').upper())
    assert response.status == 409
    assert ('Conflicting resource provider uuid: %s already exists' % uuid
            in _error(response)[0])
    assert len(_provider_rows(db)) == 1

    other = _create(client, 'other').json
    response = client.put(_url(other['uuid']), json={'name': 'first'})
    assert response.status == 409
    assert _error(response)[1] == 'placement.duplicate_name'
    assert client.get(_url(other['uuid'])).json['name'] == 'other'


def test_create_child_and_tree_errors(client, db):
    parent = data.create_provider(db, 'parent')
    child = _create(client, 'child', parent=parent.uuid).json
    assert child['parent_provider_uuid'] == parent.uuid
    assert child['root_provider_uuid'] == parent.uuid
    grandchild = _create(client, 'grandchild', parent=child['uuid']).json
    assert grandchild['root_provider_uuid'] == parent.uuid

    missing = data.new_uuid()
    response = _create(client, 'orphan', parent=missing)
    assert response.status == 400
    assert 'parent provider UUID does not exist' in _error(response)[0]

    uuid = data.new_uuid()
    response = _create(client, 'selfish', uuid, parent=uuid)
    assert response.status == 400
    detail = _error(response)[0]
    assert 'Unable to create resource provider "selfish", %s:' % uuid in (
        detail)
    assert 'parent provider UUID cannot be same as UUID' in detail
    assert len(_provider_rows(db)) == 3


def test_update_name_keeps_generation(client, db):
    rp = data.create_provider(db, 'rp')
    response = client.put(_url(rp.uuid), json={'name': 'renamed'},
                          version='1.15')
    assert response.status == 200
    assert response.json['name'] == 'renamed'
    assert response.json['generation'] == 0
    assert response.headers['cache-control'] == 'no-cache'
    assert 'location' not in response.headers
    assert client.get(_url(rp.uuid)).json['name'] == 'renamed'
    # Renaming to its own name is no conflict.
    assert client.put(_url(rp.uuid), json={'name': 'renamed'}).status == 200


@pytest.mark.parametrize('body', [
    {'name': 'x', 'uuid': '7d4275fc-8b40-4995-85e2-74fcec2cb3b6'},
    {'name': 'x', 'root_provider_uuid': '7d4275fc-8b40-4995-85e2-'
                                        '74fcec2cb3b6'},
    {'badfield': 'x'},
    {'name': 'x' * 201},
    {'name': 'x', 'parent_provider_uuid': 'not a uuid'},
])
def test_update_invalid_body_changes_nothing(client, db, body):
    rp = data.create_provider(db, 'rp')
    response = client.put(_url(rp.uuid), json=body)
    assert response.status == 400
    assert 'JSON does not validate' in _error(response)[0]
    assert client.get(_url(rp.uuid)).json['name'] == 'rp'


def test_update_body_checked_before_provider_lookup(client):
    response = client.put(_url(data.new_uuid()))
    assert response.status == 415
    assert 'The media type None is not supported' in _error(response)[0]
    response = client.put(_url(data.new_uuid()), json={'name': 'x'})
    assert response.status == 404


def test_set_parent_on_root_and_loops(client, db):
    parent = data.create_provider(db, 'parent')
    rp = data.create_provider(db, 'rp')
    child = data.create_provider(db, 'child', parent=rp)

    response = client.put(_url(rp.uuid), json={
        'name': 'rp', 'parent_provider_uuid': data.new_uuid()})
    assert response.status == 400
    assert 'parent provider UUID does not exist' in _error(response)[0]

    for new_parent in (rp.uuid, child.uuid):
        response = client.put(_url(rp.uuid), json={
            'name': 'rp', 'parent_provider_uuid': new_parent})
        assert response.status == 400
        assert 'creating loop in the provider tree is not allowed.' in (
            _error(response)[0])

    # A root may get a parent in any version with nested providers; its
    # subtree moves with it.
    response = client.put(_url(rp.uuid), version='1.14', json={
        'name': 'rp', 'parent_provider_uuid': parent.uuid})
    assert response.status == 200
    assert response.json['parent_provider_uuid'] == parent.uuid
    assert response.json['root_provider_uuid'] == parent.uuid
    assert client.get(_url(child.uuid)).json['root_provider_uuid'] == (
        parent.uuid)
    # Naming the current parent again is no change, whatever the version.
    response = client.put(_url(rp.uuid), version='1.14', json={
        'name': 'rp', 'parent_provider_uuid': parent.uuid})
    assert response.status == 200


def test_reparent_and_unparent_need_1_37(client, db):
    parent = data.create_provider(db, 'parent')
    other = data.create_provider(db, 'other')
    rp = data.create_provider(db, 'rp', parent=parent)
    child = data.create_provider(db, 'child', parent=rp)

    response = client.put(_url(rp.uuid), version='1.36', json={
        'name': 'rp', 'parent_provider_uuid': other.uuid})
    assert response.status == 400
    assert 're-parenting a provider is not currently allowed' in (
        _error(response)[0])
    response = client.put(_url(rp.uuid), version='1.36', json={
        'name': 'rp', 'parent_provider_uuid': None})
    assert response.status == 400
    assert 'un-parenting a provider is not currently allowed' in (
        _error(response)[0])
    assert client.get(_url(rp.uuid)).json['parent_provider_uuid'] == (
        parent.uuid)

    # Leaving the parent out of the body leaves it alone.
    response = client.put(_url(rp.uuid), version='1.36',
                          json={'name': 'rp2'})
    assert response.json['parent_provider_uuid'] == parent.uuid

    response = client.put(_url(rp.uuid), version='1.37', json={
        'name': 'rp', 'parent_provider_uuid': other.uuid})
    assert response.status == 200
    assert response.json['root_provider_uuid'] == other.uuid
    assert client.get(_url(child.uuid)).json['root_provider_uuid'] == (
        other.uuid)

    response = client.put(_url(rp.uuid), version='1.37', json={
        'name': 'rp', 'parent_provider_uuid': None})
    assert response.status == 200
    assert response.json['parent_provider_uuid'] is None
    assert response.json['root_provider_uuid'] == rp.uuid
    child_body = client.get(_url(child.uuid)).json
    assert child_body['root_provider_uuid'] == rp.uuid
    assert child_body['parent_provider_uuid'] == rp.uuid


def test_delete(client, db):
    rp = data.create_provider(db, 'rp')
    data.add_inventory(db, rp, 'DISK_GB', 100)
    data.set_traits(db, rp, 'CUSTOM_GOLD')
    data.set_aggregates(db, rp, data.new_uuid())
    response = client.delete(_url(rp.uuid))
    assert response.status == 204
    assert response.body == b''
    assert client.get(_url(rp.uuid)).status == 404
    with db.engine.connect() as conn:
        for table in (tables.inventories, tables.resource_provider_traits,
                      tables.resource_provider_aggregates):
            assert conn.execute(sa.select(sa.func.count()).select_from(
                table)).scalar() == 0, table.name
    response = client.delete(_url(rp.uuid))
    assert response.status == 404
    assert 'No resource provider with uuid %s found for delete' % rp.uuid \
        in _error(response)[0]


def test_delete_refused_for_parent_and_in_use(client, db):
    parent = data.create_provider(db, 'parent')
    child = data.create_provider(db, 'child', parent=parent)
    response = client.delete(_url(parent.uuid))
    assert response.status == 409
    detail, code = _error(response)
    assert ('Unable to delete parent resource provider %s: It has child '
            'resource providers.' % parent.uuid) in detail
    assert code == 'placement.resource_provider.cannot_delete_parent'

    data.add_inventory(db, child, 'VCPU', 8)
    data.allocate(db, data.new_uuid(), {child: {'VCPU': 2}})
    response = client.delete(_url(child.uuid))
    assert response.status == 409
    assert _error(response)[1] == 'placement.resource_provider.inuse'
    # Nothing was removed by the refused deletes.
    assert len(_provider_rows(db)) == 2
    assert client.get(_url(child.uuid) + '/inventories').json[
        'inventories']['VCPU']['total'] == 8


def test_error_code_absent_before_1_23(client, db):
    parent = data.create_provider(db, 'parent')
    data.create_provider(db, 'child', parent=parent)
    response = client.delete(_url(parent.uuid), version='1.22')
    assert response.status == 409
    assert 'code' not in response.json['errors'][0]


def test_policy(app, db):
    from tests.conftest import Client
    rp = data.create_provider(db, 'rp')
    user = Client(app, headers={'x-auth-token': 'user'})
    assert user.get(_url(rp.uuid)).status == 403
    assert user.put(_url(rp.uuid), json={'name': 'x'}).status == 403
    assert user.delete(_url(rp.uuid)).status == 403
    assert user.post('/resource_providers', json={'name': 'x'}).status == 403
    assert _provider_rows(db) == [(rp.uuid, 'rp', None, rp.id)]
