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
import fcntl
import os
import subprocess
import sys

UPSTREAM_VERSION = '16.0.0'
PACKAGES = ['openstack-placement==%s' % UPSTREAM_VERSION,
            'psycopg2-binary', 'PyMySQL', 'gunicorn']


def venv_path():
    return os.environ.get(
        'PLACEMENT_ORACLE_VENV',
        os.path.join(os.path.expanduser('~'), '.cache', 'placement-oracle',
                     'venv'))


def _installed(path):
    marker = os.path.join(path, '.placement-oracle-%s' % UPSTREAM_VERSION)
    return os.path.exists(marker), marker


def oracle_venv():
    """The oracle venv, created and filled under a file lock so that
    concurrent test processes install it once."""
    path = venv_path()
    done, marker = _installed(path)
    if done:
        return path
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + '.lock', 'a+') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done, marker = _installed(path)
        if done:
            return path
        python = os.path.join(path, 'bin', 'python')
        if not os.path.exists(python):
            subprocess.run([sys.executable, '-m', 'venv', path], check=True)
        subprocess.run([python, '-m', 'pip', 'install', '-q',
                        '--disable-pip-version-check'] + PACKAGES,
                       check=True)
        with open(marker, 'w') as f:
            f.write('\n'.join(PACKAGES) + '\n')
    return path


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
