"""Policy files, the legacy/secure policy defaults, and CORS."""
import uuid

from oslo_config import cfg

from placement import conf as placement_conf
from placement import context as placement_context
from placement import policies
from placement import policy

MISSING = '/resource_providers/%s' % uuid.uuid4()
PROJECT_ADMIN = {'x-auth-token': 'someone:p1', 'x-roles': 'admin'}


def test_policy_file_overrides_one_rule(make_client, tmp_path):
    policy_file = tmp_path / 'policy.yaml'
    policy_file.write_text('"placement:resource_providers:show": "!"\n'
                           '"placement:resource_providers:list": "@"\n')
    default = make_client()
    custom = make_client(oslo_policy__policy_file=str(policy_file))
    assert default.get(MISSING).status == 404
    assert custom.get(MISSING).status == 403
    nobody = {'x-auth-token': 'nobody'}
    assert default.get('/resource_providers', headers=nobody).status == 403
    resp = custom.get('/resource_providers', headers=nobody)
    assert resp.status == 200
    assert resp.json == {'resource_providers': []}
    # Rules the file does not name keep their defaults.
    assert custom.get(MISSING + '/inventories', headers=nobody).status == 403


def test_policy_file_found_beside_placement_conf(tmp_path):
    (tmp_path / 'placement.conf').write_text('[api]\n'
                                             'auth_strategy = noauth2\n')
    (tmp_path / 'policy.yaml').write_text(
        '"placement:resource_providers:show": "role:auditor"\n')
    conf = placement_conf.load([], conf=cfg.ConfigOpts(), config_files=[
        str(tmp_path / 'placement.conf')])
    enforcer = policy.make_enforcer(conf)
    auditor = placement_context.RequestContext(
        user_id='u', project_id='p', roles=['auditor'], enforcer=enforcer)
    auditor.can(policies.resource_provider.SHOW)


def reshape_as_project_admin(client):
    return client.post('/reshaper', json={}, version='1.30',
                       headers=PROJECT_ADMIN)


def test_enforce_new_defaults_switches_defaults(make_client):
    """Reshaping is for the service role; with the legacy defaults an admin
    may do it as well."""
    legacy = make_client(oslo_policy__enforce_new_defaults=False)
    secure = make_client(oslo_policy__enforce_new_defaults=True)
    # Past the policy check, the empty body is refused.
    assert reshape_as_project_admin(legacy).status == 400
    assert reshape_as_project_admin(secure).status == 403
    service = {'x-auth-token': 'nova:service', 'x-roles': 'service'}
    for client in (legacy, secure):
        assert client.post('/reshaper', json={}, version='1.30',
                           headers=service).status == 400


def test_enforce_new_defaults_in_the_enforcer(tmp_path):
    for enforce_new, allowed in ((False, True), (True, False)):
        conf = placement_conf.load([], conf=cfg.ConfigOpts(),
                                   config_files=[])
        policy.make_enforcer(conf)
        conf.set_override('enforce_new_defaults', enforce_new,
                          group='oslo_policy')
        ctx = placement_context.RequestContext(
            user_id='u', project_id='p', roles=['admin'],
            enforcer=policy.make_enforcer(conf))
        try:
            ctx.can(policies.reshaper.RESHAPE)
            result = True
        except policy.PolicyNotAuthorized:
            result = False
        assert result is allowed, enforce_new


ORIGIN = 'http://valid.example.com'
PREFLIGHT = {'origin': ORIGIN, 'access-control-request-method': 'GET',
             'access-control-request-headers': 'openstack-api-version'}


def test_cors_off_without_allowed_origin(make_client):
    client = make_client()
    resp = client.get('/', headers={'origin': ORIGIN})
    assert resp.status == 200
    assert 'access-control-allow-origin' not in resp.headers
    resp = client.request('OPTIONS', '/resource_providers',
                          headers=PREFLIGHT)
    assert 'access-control-allow-origin' not in resp.headers


def test_cors_on_with_allowed_origin(make_client):
    client = make_client(cors__allowed_origin=[ORIGIN])
    resp = client.request('OPTIONS', '/resource_providers',
                          headers=PREFLIGHT)
    assert resp.status == 200
    assert resp.headers['access-control-allow-origin'] == ORIGIN
    assert 'openstack-api-version' in resp.headers[
        'access-control-allow-headers'].lower()
    resp = client.get('/', headers={'origin': ORIGIN})
    assert resp.headers['access-control-allow-origin'] == ORIGIN
    # The microversion header is readable by the browser.
    assert 'openstack-api-version' in resp.headers[
        'access-control-expose-headers'].lower()
    # Other origins get no CORS headers.
    resp = client.get('/', headers={'origin': 'http://other.example.com'})
    assert 'access-control-allow-origin' not in resp.headers
