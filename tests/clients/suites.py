"""The client projects' own functional tests, run against this service.

osc-placement (the ``openstack`` CLI's placement plugin) and Nova test
their placement code against upstream's in-process Placement fixture.
Each runs here from its own throwaway venv, with this checkout installed
and tests/clients/placement_fixture.py standing in for that fixture, so
their tests exercise this service unchanged.

    PLACEMENT_CLIENTS_VENVS  directory of the venvs (default
                             ~/.cache/placement-clients)
    PLACEMENT_NOVA_TESTS     "placement" (default: the report client, the
                             nova-manage placement commands, provider
                             trees) or "all" (adds the port resource
                             request tests, about ten more minutes)
"""
import glob
import os
import subprocess
import sys
import tarfile
import tempfile

from tests import venvs

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

OSC_PACKAGES = ['osc-placement==4.9.1', 'python-openstackclient==10.5.0',
                'oslotest==6.1.1', 'wsgi-intercept==1.13.1',
                'fixtures==4.3.2', 'pytest']
NOVA_VERSION = '34.0.0'
# OpenStack's upper constraints of the release: Nova's tests turn
# SQLAlchemy 2.1's deprecation warnings into errors.
NOVA_PACKAGES = ['nova==%s' % NOVA_VERSION, 'SQLAlchemy<2.1',
                 'ddt==1.7.2', 'fixtures==4.3.2', 'requests-mock==1.12.1',
                 'oslotest==6.1.1', 'osprofiler==4.4.0',
                 'testresources==2.1.2', 'testscenarios==0.7.0',
                 'testtools==2.9.1', 'wsgi-intercept==1.13.1',
                 'python-barbicanclient==7.6.0']

_MANAGE = 'nova.tests.functional.test_nova_manage.'
NOVA_PLACEMENT_TESTS = [
    'nova.tests.functional.test_report_client',
    'nova.tests.functional.test_servers_provider_tree',
    'nova.tests.functional.regressions.test_bug_1679750',
] + [_MANAGE + name for name in (
    'TestNovaManagePlacementHealAllocations',
    'TestNovaManagePlacementHealPortAllocations',
    'TestNovaManagePlacementHealPortAllocationsExtended',
    'TestNovaManagePlacementHealPortAllocationsMultiGroup',
    'TestNovaManagePlacementSyncAggregates',
    'TestNovaManagePlacementAudit')]
NOVA_ALL_TESTS = NOVA_PLACEMENT_TESTS + [
    'nova.tests.functional.test_servers_resource_request']


def _venv_dir(name):
    base = os.environ.get('PLACEMENT_CLIENTS_VENVS',
                          venvs.cache_path('placement-clients'))
    return os.path.join(base, name)


def _this_checkout():
    # Editable, so that the venv runs the code under test; named by path
    # so that another checkout fills the venv again.
    return ['-e', REPO]


def osc_venv():
    return venvs.ensure_venv(_venv_dir('osc'),
                             [OSC_PACKAGES, _this_checkout()])


def _nova_config_files(path):
    """Nova's functional tests read etc/nova/api-paste.ini beside the
    installed package, which only its source distribution has."""
    python = os.path.join(path, 'bin', 'python')
    site = subprocess.run(
        [python, '-c', 'import nova, os; '
         'print(os.path.dirname(os.path.dirname(nova.__file__)))'],
        check=True, capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as download:
        subprocess.run([python, '-m', 'pip', 'download', '-q', '--no-deps',
                        '--no-binary', ':all:', '--disable-pip-version-check',
                        '-d', download, 'nova==%s' % NOVA_VERSION],
                       check=True)
        archive, = glob.glob(os.path.join(download, 'nova-*.tar.gz'))
        prefix = 'nova-%s/etc/nova/' % NOVA_VERSION
        with tarfile.open(archive) as tar:
            members = [m for m in tar.getmembers()
                       if m.name.startswith(prefix) and m.isfile()]
            target = os.path.join(site, 'etc', 'nova')
            os.makedirs(target, exist_ok=True)
            for member in members:
                source = tar.extractfile(member)
                with open(os.path.join(target, os.path.basename(
                        member.name)), 'wb') as out:
                    out.write(source.read())


def nova_venv():
    return venvs.ensure_venv(_venv_dir('nova'),
                             [NOVA_PACKAGES, _this_checkout()],
                             after=_nova_config_files)


def _environ(venv):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith('OS_')}
    env['PATH'] = os.path.join(venv, 'bin') + os.pathsep + env['PATH']
    env['PYTHONPATH'] = REPO
    return env


def run_osc(log_path, junit_path):
    """osc-placement's functional tests; returns the exit code."""
    venv = osc_venv()
    with open(log_path, 'w') as log:
        return subprocess.run(
            [os.path.join(venv, 'bin', 'python'), '-m', 'pytest', '-q',
             '-p', 'no:cacheprovider', '-p', 'tests.clients.placement_fixture',
             '--junitxml', junit_path,
             '--pyargs', 'osc_placement.tests.functional'],
            cwd=REPO, env=_environ(venv), stdout=log,
            stderr=subprocess.STDOUT, timeout=1800).returncode


def nova_tests():
    which = os.environ.get('PLACEMENT_NOVA_TESTS', 'placement')
    return NOVA_ALL_TESTS if which == 'all' else NOVA_PLACEMENT_TESTS


def run_nova(log_path, tests=None):
    """Nova's functional tests (unittest: Nova's use testtools); returns
    the exit code."""
    venv = nova_venv()
    with open(log_path, 'w') as log:
        return subprocess.run(
            [os.path.join(venv, 'bin', 'python'), '-W', 'ignore', '-m',
             'tests.clients.unittest_main'] + (tests or nova_tests()),
            cwd=REPO, env=_environ(venv), stdout=log,
            stderr=subprocess.STDOUT, timeout=3600).returncode


if __name__ == '__main__':
    # By hand: python -m tests.clients.suites osc|nova [test names...]
    which, names = sys.argv[1], sys.argv[2:]
    log = os.path.join(tempfile.gettempdir(), 'placement-%s.log' % which)
    if which == 'osc':
        code = run_osc(log, log + '.xml')
    else:
        code = run_nova(log, names or None)
    print('exit %s, log %s' % (code, log))
    sys.exit(code)
