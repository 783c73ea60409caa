"""The commands deployment tools run at every upgrade, through the command
line on every backend: placement-status upgrade check [--json],
placement-manage db online_data_migrations [--max-count N], db stamp,
--version."""
from importlib import metadata
import json
import subprocess
import uuid

import sqlalchemy as sa

from placement.db import migration
from placement.db import takeover
from tests.ops import conftest as ops
from tests.ops import process
from tests.ops.test_manage import manage

PLACEHOLDER = '00000000-0000-0000-0000-000000000000'
CHECKS = ['Database Schema', 'Missing Root Provider IDs',
          'Incomplete Consumers', 'Standard Resource Classes and Traits',
          'Consumers Without Types', 'Policy File JSON to YAML Migration']


def status(*args, **settings):
    return subprocess.run([ops.placement_bin('placement-status')] +
                          list(args),
                          env=process.clean_environ(**settings),
                          capture_output=True, text=True, timeout=120)


def check(url, **settings):
    """(exit status, {check name: (code, details)}) of the JSON form."""
    result = status('upgrade', 'check', '--json',
                    PLACEMENT_DATABASE__CONNECTION=url, **settings)
    document = json.loads(result.stdout)
    assert document['name'] == 'Upgrade Check Results'
    checks = {c['check']: (c['result'], c['details'])
              for c in document['checks']}
    assert list(checks) == CHECKS
    return result.returncode, checks


def execute(url, *statements):
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            for statement, params in statements:
                conn.execute(sa.text(statement), params)
    finally:
        engine.dispose()


def test_upgrade_check_on_an_empty_then_a_synced_database(empty_database):
    url = empty_database.url
    code, checks = check(url)
    assert code == 2
    assert checks['Database Schema'][0] == 2
    assert 'db sync' in checks['Database Schema'][1]

    assert manage('db', 'sync', PLACEMENT_DATABASE__CONNECTION=url
                  ).returncode == 0
    code, checks = check(url)
    assert code == 0, checks
    assert {name: c[0] for name, c in checks.items()} == dict.fromkeys(
        CHECKS, 0)
    assert checks['Database Schema'][1] == 'Schema at %s (upstream ' \
        'revision %s).' % (migration.head_version(), takeover.UPSTREAM_HEAD)

    # The table form, with --json after the action as well.
    table = status('upgrade', 'check', PLACEMENT_DATABASE__CONNECTION=url)
    assert table.returncode == 0
    assert '| Check: Incomplete Consumers' in table.stdout
    assert json.loads(status('upgrade', '--json', 'check',
                             PLACEMENT_DATABASE__CONNECTION=url).stdout)


def test_online_data_migrations_fix_what_the_checks_find(empty_database):
    url = empty_database.url
    assert manage('db', 'sync', PLACEMENT_DATABASE__CONNECTION=url
                  ).returncode == 0
    # What an old release left: providers without a root (one a child of
    # another), allocations of two consumers that have no record, and a
    # consumer without a type.
    root, child, other = (str(uuid.uuid4()) for _ in range(3))
    orphan_a, orphan_b, typed = (str(uuid.uuid4()) for _ in range(3))
    execute(url, *[(
        'INSERT INTO resource_providers (uuid, name, generation, created_at)'
        ' VALUES (:u, :n, 0, CURRENT_TIMESTAMP)', {'u': u, 'n': u})
        for u in (root, child, other)])
    execute(url, (
        'UPDATE resource_providers SET parent_provider_id = (SELECT id FROM '
        '(SELECT id FROM resource_providers WHERE uuid = :r) AS p) '
        'WHERE uuid = :c', {'r': root, 'c': child}))
    for consumer in (orphan_a, orphan_b):
        execute(url, (
            'INSERT INTO allocations (resource_provider_id, consumer_id, '
            'resource_class_id, used, created_at) SELECT id, :c, 0, 1, '
            'CURRENT_TIMESTAMP FROM resource_providers WHERE uuid = :r',
            {'c': consumer, 'r': other}))
    execute(url,
            ("INSERT INTO projects (external_id) VALUES ('p1')", {}),
            ("INSERT INTO users (external_id) VALUES ('u1')", {}),
            ('INSERT INTO consumers (uuid, project_id, user_id, generation) '
             "SELECT :c, p.id, u.id, 3 FROM projects p, users u WHERE "
             "p.external_id = 'p1' AND u.external_id = 'u1'", {'c': typed}))

    code, checks = check(url)
    assert code == 2
    assert checks['Missing Root Provider IDs'][0] == 2
    assert checks['Missing Root Provider IDs'][1].startswith(
        '3 resource providers have no root')
    assert checks['Incomplete Consumers'][0] == 1
    assert checks['Incomplete Consumers'][1].startswith('2 consumers')
    assert checks['Consumers Without Types'] == (0, (
        '1 consumers have no consumer type (reported as "unknown" since '
        'microversion 1.38) until their next allocation write names one.'))

    env = {'PLACEMENT_DATABASE__CONNECTION': url}
    bad = manage('db', 'online_data_migrations', '--max-count', '0', **env)
    assert bad.returncode == 127, bad
    # Two records at a time: the roots first, then the consumers.
    runs = []
    while True:
        result = manage('db', 'online_data_migrations', '--max-count', '2',
                        **env)
        runs.append(result)
        if result.returncode != 1 or len(runs) > 5:
            break
    assert [r.returncode for r in runs] == [1, 1, 1, 0], runs
    assert '| set_root_provider_ids |      2      |     2     |' in \
        runs[0].stdout
    assert 'create_incomplete_consumers |      1      |     1     |' in \
        runs[1].stdout

    roots = dict(scalar_rows(url, (
        'SELECT rp.uuid, r.uuid FROM resource_providers rp '
        'JOIN resource_providers r ON r.id = rp.root_provider_id')))
    assert roots == {root: root, child: root, other: other}
    owners = dict(scalar_rows(url, (
        'SELECT c.uuid, p.external_id FROM consumers c '
        'JOIN projects p ON p.id = c.project_id')))
    assert owners == {orphan_a: PLACEHOLDER, orphan_b: PLACEHOLDER,
                      typed: 'p1'}

    code, checks = check(url)
    assert code == 0, checks
    assert checks['Incomplete Consumers'][1].startswith(
        '2 consumers are owned by the placeholder project')

    # Without --max-count: batches until nothing is left, exit 0.
    result = manage('db', 'online_data_migrations', **env)
    assert result.returncode == 0, result
    assert result.stdout.startswith('Running batches of 50 until complete')


def scalar_rows(url, statement):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(sa.text(statement))]
    finally:
        engine.dispose()


def test_stamp_and_version(empty_database):
    url = empty_database.url
    env = {'PLACEMENT_DATABASE__CONNECTION': url}
    assert manage('db', 'sync', **env).returncode == 0
    result = manage('db', 'stamp', '0001', **env)
    assert (result.returncode, result.stdout) == (
        0, 'Database schema stamped at 0001\n'), result
    assert manage('db', 'version', **env).stdout == '0001\n'
    code, checks = check(url)
    assert code == 2
    assert checks['Database Schema'][1].startswith(
        'The schema is at revision 0001, not at %s'
        % migration.head_version())
    result = manage('db', 'stamp', 'nosuchrevision', **env)
    assert result.returncode == 1
    assert "unknown revision 'nosuchrevision'" in result.stderr
    assert manage('db', 'version', **env).stdout == '0001\n'
    assert manage('db', 'stamp', 'head', **env).returncode == 0
    assert manage('db', 'version', **env).stdout == (
        migration.head_version() + '\n')


def test_version():
    result = manage('--version')
    assert result.returncode == 0, result
    assert result.stdout == metadata.version('placement') + '\n'
    assert metadata.version('placement') != ''



def test_unreachable_database_is_an_error_of_the_checks():
    port = process.free_port()
    result = status('upgrade', 'check',
                    PLACEMENT_DATABASE__CONNECTION='postgresql+psycopg2://'
                    'postgres@127.0.0.1:%d/x' % port)
    assert result.returncode == 255, result
    assert 'Error' in result.stdout


def test_a_json_policy_file_is_a_failure(tmp_path):
    # The database plays no part: SQLite only.
    url = 'sqlite:///%s' % (tmp_path / 'placement.db')
    assert manage('db', 'sync', PLACEMENT_DATABASE__CONNECTION=url
                  ).returncode == 0
    policy = tmp_path / 'policy.json'
    policy.write_text('{"placement:resource_providers:list": "@"}')
    code, checks = check(url, OSLO_POLICY__POLICY_FILE=str(policy))
    assert code == 2
    assert checks['Policy File JSON to YAML Migration'][0] == 2
