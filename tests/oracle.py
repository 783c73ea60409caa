"""Upstream OpenStack Placement 16.0.0 as a test-only oracle.

Some tests compare this service with upstream (differential tests, the
database takeover in both directions, benchmarks). Upstream runs from its
own throwaway virtualenv, created here on first use; it is started as a
separate process and never imported by the service or by the tests.

    PLACEMENT_ORACLE_VENV   where the venv lives (default
                            ~/.cache/placement-oracle/venv)

``oracle_venv()`` returns the venv's path, creating it if needed;
``oracle_bin(name)`` the path of one of its commands (``gunicorn``,
``placement-manage``, ``placement-status``).
"""
import os

from tests import venvs

UPSTREAM_VERSION = '16.0.0'
PACKAGES = ['openstack-placement==%s' % UPSTREAM_VERSION,
            'psycopg2-binary', 'PyMySQL', 'gunicorn']


def venv_path():
    return os.environ.get('PLACEMENT_ORACLE_VENV',
                          venvs.cache_path('placement-oracle', 'venv'))


def oracle_venv():
    """The oracle venv, created on first use."""
    return venvs.ensure_venv(venv_path(), [PACKAGES])


def oracle_bin(name):
    return os.path.join(oracle_venv(), 'bin', name)


def gunicorn_argv(port='{port}', workers=1):
    """argv that serves upstream's WSGI application on 127.0.0.1.

    gunicorn puts its working directory first on sys.path (before it reads
    ``--chdir``), so started from this project's checkout it would import
    *this* service's ``placement`` package instead of upstream's (same
    module path): the process starts in the venv instead (``env -C``)."""
    return ['env', '-C', oracle_venv(), oracle_bin('gunicorn'),
            '--workers', str(workers),
            '-b', '127.0.0.1:%s' % port, 'placement.wsgi.api:application']
