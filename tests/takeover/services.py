"""Upstream Placement 16.0.0 (the oracle) and this service as processes on
one database, the data set that the takeover tests write through
upstream's API, and a normalised read of everything through either API.
"""
import json
import os
import subprocess
import uuid

import sqlalchemy as sa

from placement.db import migration
from placement.db import takeover
from tests import oracle
from tests.ops import process

MANAGE = os.path.join(process.BIN, 'placement-manage')


def versions(url):
    """(this project's revision, upstream's alembic_version) of ``url``."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return (migration.current_version(conn),
                    takeover.upstream_revision(conn))
    finally:
        engine.dispose()


def upstream_env(url, config_dir):
    """Upstream's environment: it insists on a placement.conf in
    OS_PLACEMENT_CONFIG_DIR, so the test gives it an empty one."""
    conf = os.path.join(config_dir, 'placement.conf')
    if not os.path.exists(conf):
        with open(conf, 'w') as f:
            f.write('[DEFAULT]\n')
    return process.clean_environ(
        PLACEMENT_DATABASE__CONNECTION=url,
        PLACEMENT_DATABASE__SYNC_ON_STARTUP=True,
        API__AUTH_STRATEGY='noauth2',
        OSLO_POLICY__ENFORCE_NEW_DEFAULTS=False,
        PLACEMENT_CONFIG_DIR=config_dir)


def ours_env(url, **settings):
    return process.clean_environ(
        PLACEMENT_DATABASE__CONNECTION=url, API__AUTH_STRATEGY='noauth2',
        **settings)


def start_upstream(url, log_dir):
    argv = oracle.gunicorn_argv('{port}')
    # gunicorn 27's control socket would be shared by concurrent masters.
    argv.insert(argv.index(oracle.oracle_bin('gunicorn')) + 1,
                '--no-control-socket')
    server = process.Server(argv, upstream_env(url, log_dir), log_dir)
    return server.start().wait_ready(timeout=120)


def start_ours(url, log_dir, sync_on_startup=True):
    server = process.Server(
        [os.path.join(process.BIN, 'placement-api'), '--host', '127.0.0.1',
         '--port', '{port}', '--workers', '1'],
        ours_env(url, PLACEMENT_DATABASE__SYNC_ON_STARTUP=sync_on_startup),
        log_dir)
    return server.start().wait_ready(timeout=120)


def run(argv, env):
    return subprocess.run(argv, env=env, capture_output=True, text=True,
                          timeout=300)


def upstream_manage(url, log_dir, *args):
    return run([oracle.oracle_bin('placement-manage')] + list(args),
               upstream_env(url, log_dir))


def ours_manage(url, *args):
    return run([MANAGE] + list(args), ours_env(url))


class Api:
    """Requests to one service; every answer must be a success."""

    def __init__(self, server):
        self.server = server

    def call(self, method, path, body=None, version='latest', expect=None):
        resp = process.request(
            self.server.port, method, path, body=body,
            headers={'OpenStack-API-Version': 'placement %s' % version})
        ok = expect == resp.status if expect else 200 <= resp.status < 300
        assert ok, (method, path, version, resp)
        return resp.json if resp.body else None

    def get(self, path, version='latest'):
        return self.call('GET', path, version=version)

    def provider(self, name, parent=None):
        body = {'name': name, 'uuid': str(uuid.uuid4())}
        if parent:
            body['parent_provider_uuid'] = parent
        return self.call('POST', '/resource_providers', body)['uuid']

    def generation(self, rp):
        return self.get('/resource_providers/%s' % rp)['generation']

    def inventory(self, rp, inventories):
        self.call('PUT', '/resource_providers/%s/inventories' % rp, {
            'resource_provider_generation': self.generation(rp),
            'inventories': inventories})

    def traits(self, rp, names):
        for name in names:
            if name.startswith('CUSTOM_'):
                self.call('PUT', '/traits/%s' % name)
        self.call('PUT', '/resource_providers/%s/traits' % rp, {
            'resource_provider_generation': self.generation(rp),
            'traits': names})

    def aggregates(self, rp, aggs):
        self.call('PUT', '/resource_providers/%s/aggregates' % rp, {
            'resource_provider_generation': self.generation(rp),
            'aggregates': aggs})


def fill(api, tag):
    """Write a representative data set; returns the consumer uuids.

    Two compute trees (one nested: NUMA children, a grandchild with a
    custom class), a sharing provider in an aggregate, custom traits and a
    custom class, and consumers written at 1.38 with a type, at 1.28
    without one, and at 1.7 without project and user (the placeholder
    owner)."""
    gpu = 'CUSTOM_GPU_%s' % tag
    api.call('PUT', '/resource_classes/%s' % gpu, version='1.7')
    agg = str(uuid.uuid4())
    cn1 = api.provider('cn1-%s' % tag)
    numa = [api.provider('cn1-%s-numa%d' % (tag, i), parent=cn1)
            for i in range(2)]
    pgpu = api.provider('cn1-%s-gpu' % tag, parent=numa[0])
    cn2 = api.provider('cn2-%s' % tag)
    disk = api.provider('disk-%s' % tag)
    api.inventory(cn1, {'MEMORY_MB': {'total': 65536, 'reserved': 512,
                                      'allocation_ratio': 1.5}})
    for rp in numa:
        api.inventory(rp, {'VCPU': {'total': 16, 'allocation_ratio': 4.0,
                                    'max_unit': 8}})
    api.inventory(pgpu, {gpu: {'total': 2}})
    api.inventory(cn2, {'VCPU': {'total': 8, 'reserved': 1},
                        'MEMORY_MB': {'total': 8192, 'step_size': 256}})
    api.inventory(disk, {'DISK_GB': {'total': 2000, 'min_unit': 10}})
    api.traits(cn1, ['HW_CPU_X86_AVX2', 'CUSTOM_RACK_%s' % tag])
    api.traits(disk, ['MISC_SHARES_VIA_AGGREGATE'])
    for rp in (cn1, cn2, disk):
        api.aggregates(rp, [agg])
    typed, untyped, incomplete = (str(uuid.uuid4()) for _ in range(3))
    api.call('PUT', '/allocations/%s' % typed, {
        'allocations': {numa[0]: {'resources': {'VCPU': 4}},
                        cn1: {'resources': {'MEMORY_MB': 4096}},
                        pgpu: {'resources': {gpu: 1}},
                        disk: {'resources': {'DISK_GB': 100}}},
        'project_id': 'proj-a', 'user_id': 'user-a',
        'consumer_generation': None, 'consumer_type': 'INSTANCE'})
    api.call('PUT', '/allocations/%s' % untyped, {
        'allocations': {cn2: {'resources': {'VCPU': 2, 'MEMORY_MB': 1024}}},
        'project_id': 'proj-b', 'user_id': 'user-b',
        'consumer_generation': None}, version='1.28')
    api.call('PUT', '/allocations/%s' % incomplete, {
        'allocations': [{'resource_provider': {'uuid': cn2},
                         'resources': {'VCPU': 1}}]}, version='1.7')
    return [typed, untyped, incomplete]


def _normalise(value):
    """Lists in an order that does not depend on the service."""
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_normalise(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return value


def read_all(api, consumers):
    """Everything a client can read about the data, at the latest
    microversion (and 1.0 for the provider list)."""
    seen = {}
    providers = api.get('/resource_providers')['resource_providers']
    seen['providers'] = providers
    seen['providers 1.0'] = api.get('/resource_providers', version='1.0')
    for rp in providers:
        base = '/resource_providers/%s' % rp['uuid']
        for part in ('inventories', 'traits', 'aggregates', 'usages',
                     'allocations'):
            seen['%s %s' % (rp['name'], part)] = api.get(
                '%s/%s' % (base, part))
    for consumer in consumers:
        seen['consumer %s' % consumer] = api.get('/allocations/%s'
                                                 % consumer)
    seen['classes'] = api.get('/resource_classes')
    seen['traits'] = api.get('/traits')
    for project in ('proj-a', 'proj-b', '00000000-0000-0000-0000-000000000000'):
        # Upstream 16.0.0 answers 1.38's usages with a 500 on PostgreSQL.
        seen['usages %s' % project] = api.get('/usages?project_id=%s'
                                              % project, version='1.37')
    seen['candidates'] = api.get(
        '/allocation_candidates?resources=VCPU:1,MEMORY_MB:512,DISK_GB:10')
    seen['nested candidates'] = api.get(
        '/allocation_candidates?resources=VCPU:2&required=HW_CPU_X86_AVX2')
    return _normalise(seen)
