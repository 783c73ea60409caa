"""Racing clients against a real multi-process server.

``placement-api --workers 4`` serves the test database; client threads,
released at once, write allocations over HTTP. Whatever the interleaving,
the database must end up as if the successful requests had run one after
the other: never more allocated than the capacity, no lost or phantom
allocations, generations bumped exactly once per successful write, and
every loser answered 409, never 5xx.
"""
import collections
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import sqlalchemy as sa

from placement.db import tables
from tests import data

WORKERS = 4
CLIENTS = 16
PROJECT = 'race-project'
USER = 'race-user'
# A client resends a request answered 409 placement.concurrent_update
# this many times, as real clients do.
RESENDS = 3


def _free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@pytest.fixture(scope='module')
def server(database, tmp_path_factory):
    """The URL of placement-api with WORKERS workers on the test database.
    """
    port = _free_port()
    env = dict(os.environ,
               OS_PLACEMENT_DATABASE__CONNECTION=database.url,
               OS_PLACEMENT_DATABASE__SYNC_ON_STARTUP='True',
               OS_API__AUTH_STRATEGY='noauth2')
    log_path = tmp_path_factory.mktemp('race') / 'server.log'
    binary = os.path.join(os.path.dirname(sys.executable), 'placement-api')
    with open(log_path, 'wb') as log:
        process = subprocess.Popen(
            [binary, '--host', '127.0.0.1', '--port', str(port),
             '--workers', str(WORKERS)],
            env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail('placement-api exited: %s' %
                            log_path.read_text()[-2000:])
            try:
                if _request(port, 'GET', '/')[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail('placement-api did not start: %s' %
                            log_path.read_text()[-2000:])
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    log_text = log_path.read_text()
    assert 'Traceback' not in log_text, log_text[-3000:]


def _request(port, method, path, body=None, version='1.38', conn=None,
             headers=None):
    """(status, JSON body or None)."""
    own = conn is None
    conn = conn or http.client.HTTPConnection('127.0.0.1', port, timeout=60)
    all_headers = {'x-auth-token': 'admin', 'accept': 'application/json',
                   'openstack-api-version': 'placement %s' % version}
    all_headers.update(headers or {})
    payload = None
    if body is not None:
        payload = json.dumps(body)
        all_headers['content-type'] = 'application/json'
    try:
        conn.request(method, path, body=payload, headers=all_headers)
        response = conn.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw else None
    finally:
        if own:
            conn.close()


def _code(answer):
    status, body = answer
    if body and 'errors' in body:
        return status, body['errors'][0].get('code')
    return status, None


def _race(port, jobs):
    """Run the callables ``jobs(conn)`` from CLIENTS threads released at
    once; returns their results in order."""
    results = [None] * len(jobs)
    pending = collections.deque(enumerate(jobs))
    lock = threading.Lock()
    barrier = threading.Barrier(min(CLIENTS, len(jobs)))

    def client():
        conn = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
        try:
            barrier.wait()
            while True:
                with lock:
                    if not pending:
                        return
                    index, job = pending.popleft()
                results[index] = job(conn)
        finally:
            conn.close()

    threads = [threading.Thread(target=client)
               for _ in range(barrier.parties)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def _claim(port, consumer, rp_uuid, resources, generation=None,
           version=(1, 38)):
    body = {'allocations': {rp_uuid: {'resources': resources}},
            'project_id': PROJECT, 'user_id': USER}
    if version >= (1, 28):
        body['consumer_generation'] = generation
    if version >= (1, 38):
        body['consumer_type'] = 'INSTANCE'
    version = '%d.%d' % version

    def job(conn):
        for _ in range(RESENDS + 1):
            answer = _code(_request(port, 'PUT', '/allocations/' + consumer,
                                    body, version=version, conn=conn))
            if answer != (409, 'placement.concurrent_update'):
                break
        return answer
    return job


def _usages(port, rp):
    return _request(port, 'GET', '/resource_providers/%s/usages' % rp.uuid)[1]


def _consumers_on(db, rp):
    with db.engine.connect() as conn:
        return set(conn.scalars(
            sa.select(tables.allocations.c.consumer_id).distinct()
            .where(tables.allocations.c.resource_provider_id == rp.id)))


def test_exactly_the_capacity_is_claimed(server, db):
    capacity, attempts = 10, 40
    rp = data.create_provider(db, 'race')
    data.add_inventory(db, rp, 'CUSTOM_RACE', capacity, max_unit=1)
    consumers = [data.new_uuid() for _ in range(attempts)]
    started = time.monotonic()
    answers = _race(server, [_claim(server, c, rp.uuid, {'CUSTOM_RACE': 1})
                             for c in consumers])
    elapsed = time.monotonic() - started
    tally = collections.Counter(answers)
    winners = {c for c, a in zip(consumers, answers) if a == (204, None)}
    assert len(winners) == capacity, tally
    assert set(tally) <= {(204, None), (409, 'placement.undefined_code'),
                          (409, 'placement.concurrent_update')}, tally
    usages = _usages(server, rp)
    assert usages == {'resource_provider_generation': capacity,
                      'usages': {'CUSTOM_RACE': capacity}}
    assert _consumers_on(db, rp) == winners
    print('race: %d claims for %d units in %.1fs: %s' % (
        attempts, capacity, elapsed, dict(tally)))


def test_writers_of_one_consumer(server, db):
    rp = data.create_provider(db, 'shared')
    data.add_inventory(db, rp, 'VCPU', 100)
    consumer = data.new_uuid()
    writers = 8

    def amounts(**kwargs):
        # Writer n asks for n + 1 VCPU, which tells the winner.
        return [_claim(server, consumer, rp.uuid, {'VCPU': n + 1}, **kwargs)
                for n in range(writers)]

    # All create the consumer: one wins, the others see it exists.
    first = _race(server, amounts(generation=None))
    assert collections.Counter(first) == {
        (204, None): 1, (409, 'placement.concurrent_update'): writers - 1}
    # All update from generation 1: one wins.
    second = _race(server, amounts(generation=1))
    assert collections.Counter(second) == {
        (204, None): 1, (409, 'placement.concurrent_update'): writers - 1}
    winner = second.index((204, None)) + 1
    shown = _request(server, 'GET', '/allocations/' + consumer)[1]
    assert shown['consumer_generation'] == 2
    assert shown['allocations'][rp.uuid]['resources'] == {'VCPU': winner}
    # Without generations (1.27) every write applies, one after the other.
    third = _race(server, amounts(version=(1, 27)))
    assert set(third) == {(204, None)}
    shown = _request(server, 'GET', '/allocations/' + consumer)[1]
    assert shown['consumer_generation'] == 2 + writers
    used = _usages(server, rp)['usages']['VCPU']
    assert shown['allocations'][rp.uuid]['resources'] == {'VCPU': used}
    with db.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(
            tables.allocations)).scalar() == 1


def test_reshape_racing_with_claims(server, db):
    """Existing consumers move from the root to a child of capacity 10
    while new consumers claim the child: the reshape is all or nothing,
    and the child is never overcommitted."""
    capacity = 10
    root = data.create_provider(db, 'root')
    child = data.create_provider(db, 'child', parent=root)
    data.add_inventory(db, root, 'VCPU', 8)
    data.add_inventory(db, root, 'DISK_GB', 100)
    data.add_inventory(db, child, 'VCPU', capacity)
    moved = [data.new_uuid() for _ in range(3)]
    for consumer in moved:
        assert _claim(server, consumer, root.uuid,
                      {'VCPU': 2})(None) == (204, None)
    reshape = {
        'inventories': {
            root.uuid: {'resource_provider_generation': 3,
                        'inventories': {'DISK_GB': {'total': 100}}},
            child.uuid: {'resource_provider_generation': 0,
                         'inventories': {'VCPU': {'total': capacity}}},
        },
        'allocations': {
            consumer: {'allocations': {child.uuid: {'resources':
                                                    {'VCPU': 2}}},
                       'project_id': PROJECT, 'user_id': USER,
                       'consumer_generation': 1, 'consumer_type': 'INSTANCE'}
            for consumer in moved},
    }

    def reshape_job(conn):
        return _code(_request(server, 'POST', '/reshaper', reshape,
                              conn=conn, headers={'x-roles': 'service'}))

    claimers = [data.new_uuid() for _ in range(12)]
    jobs = [_claim(server, c, child.uuid, {'VCPU': 1}) for c in claimers]
    jobs.insert(len(jobs) // 2, reshape_job)
    answers = _race(server, jobs)
    reshaped = answers.pop(len(jobs) // 2)
    assert reshaped in {(204, None), (409, 'placement.concurrent_update')}
    claimed = {c for c, a in zip(claimers, answers) if a == (204, None)}
    assert set(answers) <= {(204, None), (409, 'placement.undefined_code'),
                            (409, 'placement.concurrent_update')}
    child_usage = _usages(server, child)['usages'].get('VCPU', 0)
    root_usage = _usages(server, root)['usages']
    if reshaped == (204, None):
        assert child_usage == 2 * len(moved) + len(claimed)
        assert _consumers_on(db, child) == set(moved) | claimed
        assert root_usage == {'DISK_GB': 0}
    else:
        # The reshape lost (a claim changed the child first): nothing of
        # it happened.
        assert child_usage == len(claimed)
        assert _consumers_on(db, child) == claimed
        assert root_usage == {'VCPU': 2 * len(moved), 'DISK_GB': 0}
    assert child_usage <= capacity
    print('reshape %s, %d of %d claims won' % (reshaped, len(claimed),
                                               len(claimers)))
