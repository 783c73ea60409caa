"""The candidate search gives the same answers whatever plans the
database picks: before and after the planner statistics are refreshed (a
live cloud's database is analysed, a fresh one is not) and, on
PostgreSQL, with hash joins or nested loops switched off."""
import pytest
import sqlalchemy as sa

from placement.objects.search import candidates
from tests import data
from tests.objects.test_search import query

AGG = data.new_uuid()
SHARED_AGG = data.new_uuid()

QUERIES = [
    'resources=VCPU:1,MEMORY_MB:256,DISK_GB:10',
    'resources=VCPU:1,MEMORY_MB:256,DISK_GB:10&limit=3',
    'resources=VCPU:1,DISK_GB:10&member_of=%s&required=HW_CPU_X86_AVX2'
    % AGG,
    'resources=VCPU:1,DISK_GB:10&required=STORAGE_DISK_SSD',
    'resources=DISK_GB:10&required=!HW_CPU_X86_AVX2',
    'resources=DISK_GB:10&resources1=VCPU:2,MEMORY_MB:1024'
    '&required1=HW_NUMA_ROOT&resources2=SRIOV_NET_VF:1'
    '&required2=CUSTOM_PHYSNET0&group_policy=isolate&same_subtree=1,2',
    'resources1=VCPU:1&resources2=VCPU:1&group_policy=isolate',
]


def _cloud(db):
    for i in range(6):
        rp = data.create_provider(db, 'cn%d' % i)
        data.add_inventory(db, rp, 'VCPU', 8, allocation_ratio=2.0)
        data.add_inventory(db, rp, 'MEMORY_MB', 4096, reserved=512)
        data.add_inventory(db, rp, 'DISK_GB', 100 + 50 * i)
        if i % 2:
            data.set_traits(db, rp, 'HW_CPU_X86_AVX2')
        if i < 3:
            data.set_aggregates(db, rp, AGG)
        if i in (1, 4):
            data.allocate(db, data.new_uuid(),
                          {rp: {'VCPU': 15, 'DISK_GB': 100}})
    storage = data.create_provider(db, 'storage')
    data.add_inventory(db, storage, 'DISK_GB', 1000)
    data.set_traits(db, storage, 'MISC_SHARES_VIA_AGGREGATE',
                    'STORAGE_DISK_SSD')
    data.set_aggregates(db, storage, SHARED_AGG)
    for i in range(3):
        rp = data.create_provider(db, 'shared%d' % i)
        data.add_inventory(db, rp, 'VCPU', 4)
        data.add_inventory(db, rp, 'MEMORY_MB', 2048)
        data.set_aggregates(db, rp, SHARED_AGG)
    for t in range(2):
        root = data.create_provider(db, 'host%d' % t)
        data.add_inventory(db, root, 'DISK_GB', 500)
        for n in range(2):
            numa = data.create_provider(db, 'numa%d_%d' % (t, n),
                                        parent=root)
            data.add_inventory(db, numa, 'VCPU', 16)
            data.add_inventory(db, numa, 'MEMORY_MB', 8192)
            data.set_traits(db, numa, 'HW_NUMA_ROOT')
            pf = data.create_provider(db, 'pf%d_%d' % (t, n), parent=numa)
            data.add_inventory(db, pf, 'SRIOV_NET_VF', 4)
            data.set_traits(db, pf, 'CUSTOM_PHYSNET%d' % n)


def _answers(ctx):
    """Per query: the candidates (or, with a limit, their number) and
    the summaries, in an order-independent form."""
    found = []
    for text in QUERIES:
        result = candidates.find(ctx, query(text))
        cands = sorted(
            (sorted((rp, sorted(res.items()))
                    for rp, res in c.allocations.items()),
             sorted((s, sorted(rps)) for s, rps in c.mappings.items()))
            for c in result.candidates)
        if 'limit=' in text:
            found.append(len(cands))
            continue
        summaries = sorted(
            (rp, s.uuid, s.parent_uuid, s.root_uuid,
             sorted((n, u['capacity'], u['used'])
                    for n, u in s.resources.items()), sorted(s.traits))
            for rp, s in result.summaries.items())
        found.append((cands, summaries))
    return found


def _analyze(db):
    engine = db.engine
    with engine.connect() as conn:
        if engine.dialect.name == 'mysql':
            tables = [row[0] for row in conn.execute(sa.text('SHOW TABLES'))]
            conn.execute(sa.text('ANALYZE TABLE ' + ', '.join(
                '`%s`' % t for t in tables))).all()
        else:
            conn.execute(sa.text('ANALYZE'))
        conn.commit()


def _with_planner_settings(db, settings):
    """Make every new PostgreSQL connection of ``db`` use ``settings``."""
    engine = db.engine
    name = engine.url.database
    with engine.connect() as conn:
        for setting, value in settings.items():
            conn.execute(sa.text('ALTER DATABASE "%s" SET %s = %s' % (
                name, setting, value)))
        conn.commit()
    db.dispose()


def test_same_answers_before_and_after_analyze(ctx, db):
    _cloud(db)
    fresh = _answers(ctx)
    assert all(fresh), fresh
    _analyze(db)
    assert _answers(ctx) == fresh


# Planner switches are PostgreSQL settings: this one runs there only.
@pytest.mark.parametrize('database', ['postgresql'], indirect=True)
def test_same_answers_whatever_the_join_strategy(ctx, db):
    _cloud(db)
    _analyze(db)
    expected = _answers(ctx)
    variants = [{'enable_hashjoin': 'off', 'enable_mergejoin': 'off'},
                {'enable_nestloop': 'off', 'enable_hashjoin': 'off'},
                {'enable_nestloop': 'off', 'enable_mergejoin': 'off'}]
    try:
        for settings in variants:
            _with_planner_settings(db, settings)
            assert _answers(ctx) == expected, settings
    finally:
        _with_planner_settings(db, {s: 'DEFAULT' for s in variants[0]} |
                               {'enable_nestloop': 'DEFAULT'})
