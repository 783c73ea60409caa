"""placement-manage db sync / db version on every backend."""
import subprocess

import os_resource_classes
import os_traits
import sqlalchemy as sa

from placement.db import migration
from tests.ops import conftest as ops
from tests.ops import process


def manage(*args, **settings):
    return subprocess.run([ops.placement_bin('placement-manage')] +
                          list(args),
                          env=process.clean_environ(**settings),
                          capture_output=True, text=True, timeout=120)


def test_db_sync_and_version(empty_database):
    url = empty_database.url
    result = manage('db', 'version', PLACEMENT_DATABASE__CONNECTION=url)
    assert (result.returncode, result.stdout) == (0, 'None\n'), result

    head = migration.head_version()
    for _ in range(2):  # a second sync finds nothing to do
        result = manage('db', 'sync', PLACEMENT_DATABASE__CONNECTION=url)
        assert result.returncode == 0, result
        assert result.stdout == 'Database schema at %s\n' % head

    result = manage('db', 'version', PLACEMENT_DATABASE__CONNECTION=url)
    assert (result.returncode, result.stdout) == (0, head + '\n'), result
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            traits = conn.execute(sa.text('SELECT name FROM traits')
                                  ).scalars().all()
            classes = conn.execute(sa.text(
                'SELECT name FROM resource_classes')).scalars().all()
    finally:
        engine.dispose()
    assert sorted(traits) == sorted(os_traits.get_traits())
    assert sorted(classes) == sorted(os_resource_classes.STANDARDS)


def test_db_version_reads_config_file(empty_database, tmp_path):
    (tmp_path / 'placement.conf').write_text(
        '[placement_database]\nconnection = %s\n' % empty_database.url)
    result = manage('--config-file', str(tmp_path / 'placement.conf'),
                    'db', 'sync')
    assert result.returncode == 0, result
    result = manage('db', 'version', PLACEMENT_CONFIG_DIR=tmp_path)
    assert result.stdout == migration.head_version() + '\n', result


def test_unreachable_database_is_a_clear_error():
    port = process.free_port()
    for url in ('postgresql+psycopg2://postgres@127.0.0.1:%d/x' % port,
                'mysql+pymysql://root@127.0.0.1:%d/x' % port):
        result = manage('db', 'sync', PLACEMENT_DATABASE__CONNECTION=url,
                        PLACEMENT_DATABASE__MAX_RETRIES=2,
                        PLACEMENT_DATABASE__RETRY_INTERVAL=0)
        assert result.returncode == 1, result
        assert 'Traceback' not in result.stderr
        assert result.stderr.count('retrying') == 1, result.stderr
        assert 'cannot reach the database' in result.stderr
        assert '127.0.0.1' in result.stderr
