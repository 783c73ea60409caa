"""The request log: one line per request in OpenStack Placement's format.

Upstream Placement 16.0.0 (the oracle) and this service answer the same
requests; the lines of the ``placement.requestlog`` logger must agree on
everything but the body length, which must be what each client received.
"""
import http.client
import logging
import re
import uuid


from tests import oracle
from tests.ops import conftest as ops
from tests.ops import process

# oslo.log's default context format: "<time> <pid> INFO <logger> [<global
# request id> <request id> <user> <project> ...] <message>".
LINE = re.compile(
    r'INFO placement\.requestlog \[(?P<global_id>\S+) (?P<request_id>\S+) '
    r'(?P<user>\S+) (?P<project>\S+)[^\]]*\] '
    r'(?P<remote>\S+) "(?P<method>[A-Z]+) (?P<path>\S+)" '
    r'status: (?P<status>\d+) len: (?P<length>\d+) '
    r'microversion: (?P<version>\S+)$', re.M)

GLOBAL_ID = 'req-%s' % uuid.uuid4()

# (method, path, headers): answers whose bodies have the same shape on
# both sides, including refusals before and at version negotiation.
REQUESTS = [
    ('GET', '/', {}),
    ('GET', '/resource_providers?name=foo', {}),
    ('GET', '/traits?name=startswith:CUSTOM',
     {'OpenStack-API-Version': 'placement 1.30',
      'X-OpenStack-Request-Id': GLOBAL_ID}),
    ('GET', '/nope', {}),
    ('DELETE', '/resource_providers/%s' % uuid.uuid4(), {}),
    ('GET', '/traits', {'OpenStack-API-Version': 'placement 9.0'}),
    ('GET', '/usages?project_id=p1', {'X-Auth-Token': ''}),
]


def _send_all(server):
    """Send REQUESTS; return what each client got, in order."""
    answers = []
    for method, path, extra in REQUESTS:
        headers = {'Accept': 'application/json', 'X-Auth-Token': 'admin',
                   'OpenStack-API-Version': 'placement 1.0'}
        headers.update(extra)
        headers = {k: v for k, v in headers.items() if v}
        conn = http.client.HTTPConnection('127.0.0.1', server.port,
                                          timeout=30)
        try:
            conn.request(method, path, headers=headers)
            resp = conn.getresponse()
            answers.append(process.Response(
                resp.status, dict(resp.getheaders()), resp.read()))
        finally:
            conn.close()
    return answers


def _lines(server, count):
    server.wait_until(lambda: len(LINE.findall(server.log())) >= count, 10,
                      '%d request log lines' % count)
    return [m.groupdict() for m in LINE.finditer(server.log())]


def test_request_log_lines_match_upstream(servers, tmp_path):
    settings = dict(API__AUTH_STRATEGY='noauth2',
                    PLACEMENT_DATABASE__SYNC_ON_STARTUP='True')
    ours = servers([ops.placement_bin('placement-api'), '--port', '{port}'],
                   PLACEMENT_DATABASE__CONNECTION='sqlite:///%s' % (
                       tmp_path / 'ours.db'), **settings)
    # Upstream refuses to start when OS_PLACEMENT_CONFIG_DIR names a
    # directory without placement.conf.
    upstream_dir = tmp_path / 'upstream-etc'
    upstream_dir.mkdir()
    (upstream_dir / 'placement.conf').write_text('')
    upstream = servers(oracle.gunicorn_argv() + ['--no-control-socket'],
                       PLACEMENT_DATABASE__CONNECTION='sqlite:///%s' % (
                           tmp_path / 'upstream.db'),
                       PLACEMENT_CONFIG_DIR=upstream_dir, **settings)
    ours.wait_ready()
    upstream.wait_ready()
    # wait_ready's own GET / requests are logged too: skip them.
    skip = {'ours': len(_lines(ours, 1)), 'upstream': len(_lines(upstream, 1))}

    results = {}
    for name, server in (('ours', ours), ('upstream', upstream)):
        answers = _send_all(server)
        lines = _lines(server, skip[name] + len(REQUESTS))[skip[name]:]
        assert len(lines) == len(REQUESTS), server.log()[-3000:]
        for line, answer in zip(lines, answers):
            assert int(line['status']) == answer.status, line
            assert int(line['length']) == len(answer.body), line
            request_id = answer.headers.get('x-openstack-request-id')
            assert line['request_id'] == request_id, line
        results[name] = lines

    def comparable(line):
        return {k: v for k, v in line.items()
                if k not in ('length', 'request_id')}

    assert ([comparable(line) for line in results['ours']] ==
            [comparable(line) for line in results['upstream']])
    # The caller's global request id and the user are in the prefix.
    traits = results['ours'][2]
    assert traits['global_id'] == GLOBAL_ID
    assert (traits['user'], traits['project']) == ('admin', 'admin')
    assert traits['version'] == '1.30'
    assert results['ours'][5]['version'] == '-'      # 406
    assert results['ours'][6]['user'] == '-'         # 401: no caller


def test_request_log_counts_streamed_bytes_and_names_context(make_client,
                                                             caplog):
    client = make_client()
    caplog.set_level(logging.INFO, logger='placement.requestlog')
    resp = client.get('/resource_providers?name=a%20b',
                      headers={'X-OpenStack-Request-Id': GLOBAL_ID})
    assert resp.status == 200
    records = [r for r in caplog.records if r.name == 'placement.requestlog']
    assert len(records) == 1
    record = records[0]
    assert record.levelno == logging.INFO
    assert record.getMessage() == (
        '- "GET /resource_providers?name=a%%20b" status: 200 len: %d '
        'microversion: 1.39' % len(resp.body))
    assert record.context.global_request_id == GLOBAL_ID
    assert record.context.request_id == resp.headers[
        'x-openstack-request-id']
    assert record.context.user_id == 'admin'


def test_healthcheck_probes_are_not_logged(make_client, caplog):
    client = make_client()
    caplog.set_level(logging.INFO, logger='placement.requestlog')
    assert client.get('/healthcheck').status == 200
    assert not [r for r in caplog.records
                if r.name == 'placement.requestlog']
