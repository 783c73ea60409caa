"""Benchmark this placement service on a realistic cloud.

    .venv/bin/python benchmarks/bench.py --providers 10000 --shape mixed

Creates a fresh database (PostgreSQL by default; ``--db mysql`` or
``--db sqlite``), migrates and seeds it in SQL (benchmarks/seed.py),
starts ``placement-api`` on a free loopback port with ``--workers``
workers, then measures each workload sequentially (one client: latency
percentiles) and with ``--concurrency`` clients (throughput), and finally
stops the server and drops the database. Workloads:

ac_simple    resources=VCPU:1,MEMORY_MB:256,DISK_GB:10
ac_perfload  the same in the perfload aggregate with HW_CPU_X86_AVX2
ac_limit10   ac_simple with limit=10
ac_nested    NUMA + two SR-IOV ports in one subtree (granular, isolate)
ac_sharing   ac_simple with DISK_GB from SSD sharing storage
ac_wide      8 granular groups that 8 devices of one host can each serve,
             limit=1000 (the combinatorial case)
rp_resources GET /resource_providers?resources=...
claim        GET candidates (limit=5) then PUT /allocations/{consumer}
             with the first one; the claims are deleted afterwards

``--json FILE`` writes all figures. Use ``--url`` to measure a server that
is already running and seeded instead (nothing is created then).
"""
import argparse
import contextlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

import sqlalchemy as sa

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))

from benchmarks import seed as seeding  # noqa: E402
from placement.db import migration  # noqa: E402

ADMIN_URLS = {
    'postgresql': 'postgresql+psycopg2://postgres@127.0.0.1:5432/postgres',
    'mysql': 'mysql+pymysql://root@127.0.0.1:3306/?charset=utf8',
}
SIMPLE = 'resources=VCPU:1,MEMORY_MB:256,DISK_GB:10'
WORKLOADS = {
    'ac_simple': '/allocation_candidates?' + SIMPLE,
    'ac_perfload': ('/allocation_candidates?' + SIMPLE + '&member_of=%s'
                    '&required=HW_CPU_X86_AVX2' % seeding.PERFLOAD_AGG),
    'ac_limit10': '/allocation_candidates?' + SIMPLE + '&limit=10',
    'ac_nested': (
        '/allocation_candidates?resources=DISK_GB:10'
        '&required=COMPUTE_VOLUME_MULTI_ATTACH'
        '&root_required=!COMPUTE_STATUS_DISABLED'
        '&resources1=VCPU:2,MEMORY_MB:1024&required1=HW_NUMA_ROOT'
        '&resources2=SRIOV_NET_VF:1,NET_BW_EGR_KILOBIT_PER_SEC:100000'
        '&required2=CUSTOM_VNIC_TYPE_DIRECT,CUSTOM_PHYSNET_PHYSNET0'
        '&resources3=SRIOV_NET_VF:1&required3=CUSTOM_VNIC_TYPE_DIRECT'
        '&group_policy=isolate&same_subtree=1,2,3'),
    'ac_sharing': ('/allocation_candidates?' + SIMPLE +
                   '&required=STORAGE_DISK_SSD'),
    'ac_wide': ('/allocation_candidates?' + '&'.join(
        'resources%d=SRIOV_NET_VF:1' % i for i in range(1, 9)) +
        '&group_policy=none&limit=1000'),
    'rp_resources': '/resource_providers?' + SIMPLE,
}
HEADERS = {'x-auth-token': 'admin', 'accept': 'application/json',
           'openstack-api-version': 'placement 1.39'}


class Client:
    """One keep-alive HTTP connection."""

    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.conn = None

    def request(self, method, path, body=None):
        headers = dict(HEADERS)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers['content-type'] = 'application/json'
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port,
                                                       timeout=300)
            try:
                self.conn.request(method, path, data, headers)
                response = self.conn.getresponse()
                payload = response.read()
                return response.status, payload
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float('nan')
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def measure(url, action, requests, concurrency, duration):
    """Run ``action(client)`` ``requests`` times over ``concurrency``
    clients (or until ``duration`` seconds); latencies in ms."""
    latencies, errors = [], []
    lock = threading.Lock()
    counter = iter(range(requests))
    deadline = time.monotonic() + duration

    def worker():
        client = Client(url)
        while time.monotonic() < deadline:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            start = time.perf_counter()
            ok = action(client, index)
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                (latencies if ok else errors).append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    return {
        'n': len(latencies), 'errors': len(errors),
        'p50_ms': percentile(latencies, 0.5),
        'p95_ms': percentile(latencies, 0.95),
        'p99_ms': percentile(latencies, 0.99),
        'mean_ms': statistics.fmean(latencies) if latencies else None,
        'rps': len(latencies) / wall if wall else None,
    }


def read_action(path, sizes):
    def action(client, _index):
        status, payload = client.request('GET', path)
        if status != 200:
            return False
        if path not in sizes:
            body = json.loads(payload)
            sizes[path] = {k: len(v) for k, v in body.items()}
        return True
    return action


def claim_action(consumers):
    path = WORKLOADS['ac_perfload'] + '&limit=5'

    def action(client, index):
        status, payload = client.request('GET', path)
        if status != 200:
            return False
        requests = json.loads(payload)['allocation_requests']
        if not requests:
            status, payload = client.request(
                'GET', WORKLOADS['ac_simple'] + '&limit=5')
            requests = json.loads(payload)['allocation_requests']
        if not requests:
            return False
        consumer = str(uuid.uuid4())
        chosen = requests[index % len(requests)]
        status, _payload = client.request('PUT', '/allocations/' + consumer, {
            'allocations': chosen['allocations'],
            'project_id': str(uuid.UUID(int=1)),
            'user_id': str(uuid.UUID(int=2)),
            'consumer_generation': None,
            'consumer_type': 'INSTANCE',
        })
        if status == 204:
            consumers.append(consumer)
            return True
        return status == 409
    return action


def run_suite(url, args):
    results = {}
    sizes = {}
    for name in args.workloads:
        if name == 'claim':
            consumers = []
            action = claim_action(consumers)
        else:
            action = read_action(WORKLOADS[name], sizes)
            measure(url, action, args.warmup, 1, args.duration)
        results[name] = {
            'seq': measure(url, action, args.requests, 1, args.duration),
            'conc': measure(url, action, args.requests, args.concurrency,
                            args.duration),
        }
        if name == 'claim':
            client = Client(url)
            for consumer in consumers:
                client.request('DELETE', '/allocations/' + consumer)
        else:
            results[name]['size'] = sizes.get(WORKLOADS[name])
    return results


def print_results(results):
    print('%-13s %-5s %5s %4s %9s %9s %9s %8s  %s' % (
        'workload', 'phase', 'n', 'err', 'p50_ms', 'p95_ms', 'p99_ms',
        'rps', 'answer'))
    for name, phases in results.items():
        for phase in ('seq', 'conc'):
            r = phases[phase]
            print('%-13s %-5s %5d %4d %9.1f %9.1f %9.1f %8.1f  %s' % (
                name, phase, r['n'], r['errors'], r['p50_ms'], r['p95_ms'],
                r['p99_ms'], r['rps'] or 0,
                phases.get('size') or '' if phase == 'seq' else ''))


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def fresh_database(kind):
    name = 'pbench_%s' % uuid.uuid4().hex[:10]
    if kind == 'sqlite':
        path = os.path.join(tempfile.mkdtemp(), 'placement.db')
        yield 'sqlite:///' + path
        os.unlink(path)
        return
    admin = sa.create_engine(ADMIN_URLS[kind], isolation_level='AUTOCOMMIT')
    with admin.connect() as conn:
        conn.execute(sa.text('CREATE DATABASE %s' % name))
    try:
        yield sa.engine.make_url(ADMIN_URLS[kind]).set(
            database=name).render_as_string(hide_password=False)
    finally:
        force = ' WITH (FORCE)' if kind == 'postgresql' else ''
        with admin.connect() as conn:
            conn.execute(sa.text('DROP DATABASE %s%s' % (name, force)))
        admin.dispose()


@contextlib.contextmanager
def server(db_url, workers):
    port = free_port()
    venv_bin = os.path.dirname(sys.executable)
    env = dict(os.environ, OS_PLACEMENT_DATABASE__CONNECTION=db_url,
               OS_API__AUTH_STRATEGY='noauth2')
    log = tempfile.NamedTemporaryFile(prefix='bench-server-', suffix='.log',
                                      delete=False)
    process = subprocess.Popen(
        [os.path.join(venv_bin, 'placement-api'), '--host', '127.0.0.1',
         '--port', str(port), '--workers', str(workers)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    url = 'http://127.0.0.1:%d' % port
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if Client(url).request('GET', '/')[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError('server did not start; see %s' % log.name)
            time.sleep(0.3)
        yield url
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--providers', type=int, default=1000)
    parser.add_argument('--shape', default='mixed',
                        choices=('flat', 'nested', 'sharing', 'mixed'))
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--db', default='postgresql',
                        choices=('postgresql', 'mysql', 'sqlite'))
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--concurrency', type=int, default=4)
    parser.add_argument('--requests', type=int, default=30)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--duration', type=float, default=20.0,
                        help='upper bound in seconds per phase')
    parser.add_argument('--workloads', default=','.join(
        list(WORKLOADS) + ['claim']))
    parser.add_argument('--url', help='measure this running server')
    parser.add_argument('--json')
    args = parser.parse_args()
    args.workloads = args.workloads.split(',')
    report = {'config': vars(args)}
    if args.url:
        report['results'] = run_suite(args.url, args)
    else:
        with fresh_database(args.db) as db_url:
            engine = sa.create_engine(db_url)
            try:
                migration.upgrade(engine)
                start = time.perf_counter()
                cloud = seeding.build(args.shape, args.providers, args.seed)
                count = seeding.write(engine, cloud)
            finally:
                engine.dispose()
            report['seed_seconds'] = time.perf_counter() - start
            print('seeded %d providers (%s) in %.1f s' % (
                count, args.shape, report['seed_seconds']))
            with server(db_url, args.workers) as url:
                report['results'] = run_suite(url, args)
    print_results(report['results'])
    if args.json:
        with open(args.json, 'w') as out:
            json.dump(report, out, indent=1)


if __name__ == '__main__':
    main()
