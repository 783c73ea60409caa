"""osc-placement's and Nova's own functional tests pass against this
service (tests/clients/suites.py runs them from their own venvs)."""
import re
import xml.etree.ElementTree as ET

from tests.clients import suites


def _tail(path, lines=80):
    with open(path, errors='replace') as f:
        return ''.join(f.readlines()[-lines:])


def test_osc_placement_functional_tests_pass(tmp_path):
    log, junit = tmp_path / 'osc.log', tmp_path / 'osc.xml'
    code = suites.run_osc(str(log), str(junit))
    root = ET.parse(junit).getroot()
    suite = root if root.tag == 'testsuite' else root[0]
    counts = {k: int(suite.get(k, 0))
              for k in ('tests', 'failures', 'errors', 'skipped')}
    failed = [case.get('name') for case in suite.iter('testcase')
              if case.find('failure') is not None or
              case.find('error') is not None]
    assert code == 0 and not failed, (failed, _tail(log))
    # All of them ran: osc-placement 4.9.1 has 160 functional tests.
    assert counts['tests'] >= 160 and counts['skipped'] == 0, counts


def test_nova_functional_tests_pass(tmp_path):
    log = tmp_path / 'nova.log'
    code = suites.run_nova(str(log))
    text = log.read_text(errors='replace')
    ran = re.findall(r'^Ran (\d+) tests? in', text, re.M)
    problems = re.findall(r'^(?:FAIL|ERROR): .*$', text, re.M)
    assert code == 0 and not problems, (problems, _tail(log))
    assert ran and int(ran[-1]) >= 90, _tail(log)
    assert re.search(r'^OK\b', text, re.M), _tail(log)
