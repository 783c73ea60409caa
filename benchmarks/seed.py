"""Seed a placement database with a realistic cloud, directly in SQL.

Seeding 50,000 providers through the API takes an hour; written as bulk
INSERTs into a freshly migrated database it takes seconds. The shapes
follow the ones of the placement perfload jobs (and of placement-bench):

flat      compute nodes with VCPU (16-64, ratio 16), MEMORY_MB (64-256 GiB,
          ratio 1.5, 512 reserved), DISK_GB (500-2000); a third in the
          perfload aggregate, half with HW_CPU_X86_AVX2, every 10th with
          CUSTOM_BENCH_GOLD and 4 CUSTOM_BENCH_NVME, every 50th disabled.
nested    trees of 7: a compute root with DISK_GB, two NUMA nodes
          (HW_NUMA_ROOT, VCPU, MEMORY_MB) with two SR-IOV PFs each
          (SRIOV_NET_VF, NET_BW_EGR_KILOBIT_PER_SEC, physnet traits).
sharing   storage providers sharing DISK_GB through their own aggregate
          (MISC_SHARES_VIA_AGGREGATE, STORAGE_DISK_SSD) with compute nodes
          that have only VCPU and MEMORY_MB.
mixed     all three: N/200 sharing providers, 25% of N in trees, 15%
          sharing-backed computes, the rest flat.

Everything derives from ``seed`` so two databases seeded alike hold the
same uuids, names and amounts.
"""
import random
import uuid

import sqlalchemy as sa

from placement.db import standard
from placement.db import tables

PERFLOAD_AGG = '14a5c8a3-5a99-4e8f-88be-00d85fcb1c17'
CUSTOM_TRAITS = ['CUSTOM_BENCH_GOLD', 'CUSTOM_BENCH_FOO',
                 'CUSTOM_VNIC_TYPE_DIRECT', 'CUSTOM_PHYSNET_PHYSNET0',
                 'CUSTOM_PHYSNET_PHYSNET1'] + [
                     'CUSTOM_BENCH_RACK_%d' % i for i in range(4)]
CUSTOM_CLASSES = ['CUSTOM_BENCH_NVME']


class Cloud:
    """Rows to insert, built in memory first."""

    def __init__(self, seed):
        self.rand = random.Random(seed)
        self.seed = seed
        self.providers = []   # dicts: uuid, name, parent (uuid or None)
        self.inventories = []  # (provider uuid, class, fields dict)
        self.traits = []       # (provider uuid, trait)
        self.aggregates = []   # (provider uuid, aggregate uuid)

    def uuid(self, *parts):
        return str(uuid.uuid5(uuid.NAMESPACE_URL,
                              'bench/%s/%s' % (self.seed, '/'.join(
                                  str(p) for p in parts))))

    def provider(self, name, parent=None):
        rp_uuid = self.uuid('rp', name)
        self.providers.append({'uuid': rp_uuid, 'name': name,
                               'parent': parent})
        return rp_uuid

    def inventory(self, rp_uuid, rc, total, reserved=0, ratio=1.0,
                  min_unit=1, max_unit=None, step_size=1):
        self.inventories.append((rp_uuid, rc, dict(
            total=total, reserved=reserved, allocation_ratio=ratio,
            min_unit=min_unit, max_unit=total if max_unit is None
            else max_unit, step_size=step_size)))

    def flat(self, index, aggregates=None):
        r = self.rand
        rp = self.provider('flat-%d' % index)
        self.inventory(rp, 'VCPU', r.choice((16, 32, 48, 64)),
                       reserved=r.randint(0, 2), ratio=16.0)
        self.inventory(rp, 'MEMORY_MB', r.choice((64, 128, 192, 256)) * 1024,
                       reserved=512, ratio=1.5)
        self.inventory(rp, 'DISK_GB', r.choice((500, 1000, 2000)),
                       reserved=r.choice((0, 10)))
        groups = [PERFLOAD_AGG, self.uuid('agg', 'b'), self.uuid('agg', 'c')]
        self.aggregates.append((rp, groups[index % 3]))
        if index % 7 == 0:
            self.aggregates.append((rp, self.uuid('agg', 'd')))
        if index % 2 == 0:
            self.traits.append((rp, 'HW_CPU_X86_AVX2'))
        if r.random() < 0.5:
            self.traits.append((rp, 'HW_CPU_X86_SSE42'))
        if index % 4 == 0:
            self.traits.append((rp, 'COMPUTE_VOLUME_MULTI_ATTACH'))
        self.traits.append((rp, 'CUSTOM_BENCH_RACK_%d' % (index % 4)))
        if index % 10 == 0:
            self.traits.append((rp, 'CUSTOM_BENCH_GOLD'))
            self.inventory(rp, 'CUSTOM_BENCH_NVME', 4)
        if index % 50 == 0:
            self.traits.append((rp, 'COMPUTE_STATUS_DISABLED'))

    def tree(self, index):
        root = self.provider('host-%d' % index)
        self.inventory(root, 'DISK_GB', 2000)
        if index % 4:
            self.traits.append((root, 'COMPUTE_VOLUME_MULTI_ATTACH'))
        if index % 2 == 0:
            self.traits.append((root, 'HW_CPU_X86_AVX2'))
        if index % 25 == 0:
            self.traits.append((root, 'COMPUTE_STATUS_DISABLED'))
        for n in (0, 1):
            numa = self.provider('host-%d-numa%d' % (index, n), root)
            self.traits.append((numa, 'HW_NUMA_ROOT'))
            self.inventory(numa, 'VCPU', 16, ratio=4.0)
            if n == 0:
                self.inventory(numa, 'MEMORY_MB', 65536, min_unit=256,
                               step_size=256)
            else:
                self.inventory(numa, 'MEMORY_MB', 65536, max_unit=32768)
                self.traits.append((numa, 'CUSTOM_BENCH_FOO'))
            for p in (0, 1):
                pf = self.provider('host-%d-numa%d-pf%d' % (index, n, p),
                                   numa)
                self.inventory(pf, 'SRIOV_NET_VF', 8)
                self.inventory(pf, 'NET_BW_EGR_KILOBIT_PER_SEC', 10000000)
                self.traits.append((pf, 'CUSTOM_VNIC_TYPE_DIRECT'))
                self.traits.append((pf, 'CUSTOM_PHYSNET_PHYSNET%d'
                                    % ((index + n + p) % 2)))

    def sharing(self, index):
        rp = self.provider('storage-%d' % index)
        self.inventory(rp, 'DISK_GB', 100000)
        self.traits.append((rp, 'MISC_SHARES_VIA_AGGREGATE'))
        self.traits.append((rp, 'STORAGE_DISK_SSD'))
        self.aggregates.append((rp, self.uuid('storage-agg', index)))

    def shared_compute(self, index, storage_count):
        r = self.rand
        rp = self.provider('shared-compute-%d' % index)
        self.inventory(rp, 'VCPU', r.choice((16, 32, 64)), ratio=16.0)
        self.inventory(rp, 'MEMORY_MB', r.choice((64, 128)) * 1024,
                       reserved=512, ratio=1.5)
        self.aggregates.append((rp, self.uuid('storage-agg',
                                              index % storage_count)))
        if index % 3 == 0:
            self.aggregates.append((rp, PERFLOAD_AGG))
        if index % 2 == 0:
            self.traits.append((rp, 'HW_CPU_X86_AVX2'))


def build(shape, count, seed=1):
    """The Cloud of ``count`` providers of ``shape``."""
    cloud = Cloud(seed)
    if shape == 'flat':
        for i in range(count):
            cloud.flat(i)
    elif shape == 'nested':
        for i in range(count // 7):
            cloud.tree(i)
        for i in range(count % 7):
            cloud.flat(i)
    elif shape == 'sharing':
        storage = max(2, count // 50)
        for i in range(storage):
            cloud.sharing(i)
        for i in range(count - storage):
            cloud.shared_compute(i, storage)
    elif shape == 'mixed':
        storage = max(2, count // 200)
        trees = (count // 4) // 7
        shared = count * 15 // 100
        for i in range(storage):
            cloud.sharing(i)
        for i in range(trees):
            cloud.tree(i)
        for i in range(shared):
            cloud.shared_compute(i, storage)
        for i in range(count - storage - trees * 7 - shared):
            cloud.flat(i)
    else:
        raise ValueError('unknown shape %s' % shape)
    return cloud


def _ids(conn, table, column, values):
    rows = conn.execute(sa.select(table.c[column], table.c.id)
                        .where(table.c[column].in_(sorted(values))))
    return dict(rows.all())


def write(engine, cloud, chunk=2000):
    """Insert ``cloud`` into a migrated, empty database."""
    t = tables
    with engine.begin() as conn:
        known = _ids(conn, t.traits, 'name', CUSTOM_TRAITS)
        conn.execute(t.traits.insert(), [
            {'name': n} for n in CUSTOM_TRAITS if n not in known])
        next_id = max(standard.CUSTOM_RC_ID_OFFSET, (conn.execute(
            sa.select(sa.func.max(t.resource_classes.c.id))).scalar()
            or 0) + 1)
        for name in CUSTOM_CLASSES:
            if not _ids(conn, t.resource_classes, 'name', [name]):
                conn.execute(t.resource_classes.insert().values(
                    id=next_id, name=name))
                next_id += 1
        class_ids = dict(conn.execute(sa.select(
            t.resource_classes.c.name, t.resource_classes.c.id)).all())
        trait_ids = dict(conn.execute(sa.select(
            t.traits.c.name, t.traits.c.id)).all())
        ids = {}
        parents = {p['uuid']: p['parent'] for p in cloud.providers}
        # Parents before children: a provider's parent is always listed
        # before it, so insert level by level.
        pending = list(cloud.providers)
        while pending:
            level = [p for p in pending if p['parent'] is None or
                     p['parent'] in ids]
            pending = [p for p in pending if p not in level] if len(
                level) < len(pending) else []
            for start in range(0, len(level), chunk):
                part = level[start:start + chunk]
                conn.execute(t.resource_providers.insert(), [
                    {'uuid': p['uuid'], 'name': p['name'], 'generation': 1,
                     'parent_provider_id': ids.get(p['parent']),
                     'root_provider_id': None if p['parent'] is None else
                     ids[_root(parents, p['uuid'])]}
                    for p in part])
                ids.update(_ids(conn, t.resource_providers, 'uuid',
                                [p['uuid'] for p in part]))
        conn.execute(t.resource_providers.update()
                     .where(t.resource_providers.c.root_provider_id.is_(None))
                     .values(root_provider_id=t.resource_providers.c.id))
        rows = [dict(resource_provider_id=ids[rp],
                     resource_class_id=class_ids[rc], **fields)
                for rp, rc, fields in cloud.inventories]
        for start in range(0, len(rows), chunk):
            conn.execute(t.inventories.insert(), rows[start:start + chunk])
        rows = [{'resource_provider_id': ids[rp], 'trait_id': trait_ids[n]}
                for rp, n in cloud.traits]
        for start in range(0, len(rows), chunk):
            conn.execute(t.resource_provider_traits.insert(),
                         rows[start:start + chunk])
        agg_uuids = sorted({agg for _rp, agg in cloud.aggregates})
        conn.execute(t.placement_aggregates.insert(),
                     [{'uuid': u} for u in agg_uuids])
        agg_ids = _ids(conn, t.placement_aggregates, 'uuid', agg_uuids)
        rows = [{'resource_provider_id': ids[rp],
                 'aggregate_id': agg_ids[agg]}
                for rp, agg in cloud.aggregates]
        for start in range(0, len(rows), chunk):
            conn.execute(t.resource_provider_aggregates.insert(),
                         rows[start:start + chunk])
    if engine.dialect.name == 'postgresql':
        with engine.connect() as conn:
            conn.execution_options(isolation_level='AUTOCOMMIT').execute(
                sa.text('ANALYZE'))
    return len(ids)


def _root(parents, node):
    while parents[node] is not None:
        node = parents[node]
    return node
