"""Where configuration comes from, and the two authentication modes."""
import uuid

from oslo_config import cfg
import pytest
import webob

from placement import conf as placement_conf
from placement.db import api as db_api
from placement.db import migration
from placement import deploy
from tests.ops import conftest as ops
from tests.ops import process

MISSING = '/resource_providers/%s' % uuid.uuid4()


@pytest.fixture
def no_os_environ(monkeypatch):
    for name in list(process.os.environ):
        if name.startswith('OS_'):
            monkeypatch.delenv(name)


def write_conf(directory, text):
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / 'placement.conf'
    path.write_text(text)
    return path


def test_conf_from_config_dir_and_env_overrides(tmp_path, monkeypatch,
                                                no_os_environ):
    write_conf(tmp_path, '[placement]\nmax_allocation_candidates = 7\n'
                         'randomize_allocation_candidates = true\n'
                         '[api]\nauth_strategy = noauth2\n')
    monkeypatch.setenv('OS_PLACEMENT_CONFIG_DIR', str(tmp_path))
    conf = placement_conf.load([], conf=cfg.ConfigOpts())
    assert conf.placement.max_allocation_candidates == 7
    assert conf.placement.randomize_allocation_candidates is True
    assert conf.api.auth_strategy == 'noauth2'

    monkeypatch.setenv('OS_PLACEMENT__MAX_ALLOCATION_CANDIDATES', '9')
    monkeypatch.setenv('OS_API__AUTH_STRATEGY', 'keystone')
    conf = placement_conf.load([], conf=cfg.ConfigOpts())
    assert conf.placement.max_allocation_candidates == 9
    assert conf.api.auth_strategy == 'keystone'
    # Options the environment does not name keep the file's value.
    assert conf.placement.randomize_allocation_candidates is True


def test_conf_from_default_location(tmp_path, monkeypatch, no_os_environ):
    monkeypatch.setenv('HOME', str(tmp_path))
    write_conf(tmp_path / '.placement',
               '[placement_database]\nconnection = sqlite:////x/p.db\n')
    conf = placement_conf.load([], conf=cfg.ConfigOpts())
    assert conf.placement_database.connection == 'sqlite:////x/p.db'


def test_bad_option_value_in_env_is_refused(monkeypatch, no_os_environ,
                                            tmp_path):
    monkeypatch.setenv('OS_PLACEMENT_CONFIG_DIR', str(tmp_path))
    monkeypatch.setenv('OS_API__AUTH_STRATEGY', 'nope')
    conf = placement_conf.load([], conf=cfg.ConfigOpts())
    with pytest.raises(ValueError):
        conf.api.auth_strategy


def test_server_reads_config_dir_and_env(tmp_path, servers):
    """The real entry point: the file names the database and asks for
    keystone; the environment switches to noauth2 and wins."""
    db_path = tmp_path / 'from-file.db'
    conf_dir = tmp_path / 'etc'
    write_conf(conf_dir, '[api]\nauth_strategy = keystone\n'
                         '[placement_database]\n'
                         'connection = sqlite:///%s\n'
                         'sync_on_startup = true\n' % db_path)
    server = servers([ops.placement_bin('placement-api'), '--port',
                      '{port}'],
                     PLACEMENT_CONFIG_DIR=conf_dir,
                     API__AUTH_STRATEGY='noauth2').wait_ready()
    assert server.get(MISSING).status == 404
    assert 'resource_providers' in ops.table_names('sqlite:///%s' % db_path)


@pytest.fixture
def keystone_app(tmp_path):
    """The application with auth_strategy keystone and a keystone that
    cannot be reached."""
    path = write_conf(tmp_path, """
[api]
auth_strategy = keystone
[placement_database]
connection = sqlite:///%s/k.db
[keystone_authtoken]
www_authenticate_uri = http://keystone.example.test/identity
auth_type = password
auth_url = http://127.0.0.1:%d/identity
username = placement
password = secret
project_name = service
user_domain_name = Default
project_domain_name = Default
""" % (tmp_path, process.free_port()))
    conf = placement_conf.load([], conf=cfg.ConfigOpts(),
                               config_files=[str(path)])
    db = db_api.Database(conf)
    migration.upgrade(db.engine)
    yield deploy.build_app(conf, db)
    db.dispose()


def call(app, path, headers):
    headers = dict(headers, Accept='application/json')
    return webob.Request.blank(path, headers=headers).get_response(app)


def test_keystone_needs_a_token_except_for_root(keystone_app):
    resp = call(keystone_app, '/resource_providers', {})
    assert resp.status_int == 401
    assert resp.headers['WWW-Authenticate'] == (
        'Keystone uri="http://keystone.example.test/identity"')
    # Headers a client makes up do not stand in for a token.
    resp = call(keystone_app, '/resource_providers',
                {'X-Roles': 'admin', 'X-User-Id': 'admin',
                 'X-Identity-Status': 'Confirmed'})
    assert resp.status_int == 401
    resp = call(keystone_app, '/', {})
    assert resp.status_int == 200
    assert resp.json['versions'][0]['max_version'] == '1.39'


def test_keystone_unreachable_is_503(keystone_app):
    resp = call(keystone_app, '/resource_providers',
                {'X-Auth-Token': 'some-token'})
    assert resp.status_int == 503


def test_noauth2_token_user_roles_admin(make_client):
    client = make_client()
    resp = client.get(MISSING, headers={'x-auth-token': None})
    assert resp.status == 401
    assert resp.json['errors'][0]['status'] == 401
    assert client.get('/', headers={'x-auth-token': None}).status == 200
    # An empty token is the user '' (as upstream's noauth2 has it): the
    # policy refuses it.
    assert client.get(MISSING, headers={'x-auth-token': ''}).status == 403
    # 'admin' has the admin role; anybody else has the roles of X-Roles.
    assert client.get(MISSING).status == 404
    assert client.get(MISSING, headers={'x-auth-token': 'alice'}).status == 403
    assert client.get(MISSING, headers={'x-auth-token': 'alice',
                                        'x-roles': 'reader,admin'}
                      ).status == 404
    assert client.get(MISSING, headers={'x-auth-token': 'admin',
                                        'x-roles': 'reader'}
                      ).status == 403


def test_noauth2_token_names_user_and_project(make_client, tmp_path):
    policy_file = tmp_path / 'policy.yaml'
    policy_file.write_text('"placement:resource_providers:show": '
                           '"user_id:alice and project_id:p1"\n')
    client = make_client(oslo_policy__policy_file=str(policy_file))
    answers = {token: client.get(MISSING, headers={'x-auth-token': token,
                                                   'x-roles': 'member'}
                                 ).status
               for token in ('alice:p1', 'alice:p2', 'alice', 'bob:p1')}
    assert answers == {'alice:p1': 404, 'alice:p2': 403, 'alice': 403,
                       'bob:p1': 403}
    # Without a project part the project is the user.
    policy_file = tmp_path / 'policy-project.yaml'
    policy_file.write_text('"placement:resource_providers:show": '
                           '"project_id:alice"\n')
    client = make_client(oslo_policy__policy_file=str(policy_file))
    assert client.get(MISSING, headers={'x-auth-token': 'alice'}
                      ).status == 404
