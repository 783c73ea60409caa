"""The candidate search in the object layer: that a limit bounds the
work, that the number of SQL statements does not grow with the number of
providers, and that wide granular requests stay fast."""
import gc
import weakref

import sqlalchemy as sa
from webob import multidict

from placement import microversion
from placement.objects.search import candidates
from placement import request_group
from tests import data


def query(text, version='1.39'):
    params = multidict.MultiDict(
        [item.split('=', 1) for item in text.split('&')])
    return request_group.parse_candidate_query(
        params, microversion.microversion_parse.parse_version_string(
            version))


def computes(db, count, vcpu=8):
    rps = []
    for i in range(count):
        rp = data.create_provider(db, 'cn%d' % i)
        data.add_inventory(db, rp, 'VCPU', vcpu)
        rps.append(rp)
    return rps


class StatementCounter:
    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def __enter__(self):
        sa.event.listen(self.engine, 'before_cursor_execute', self._count)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, 'before_cursor_execute', self._count)

    def _count(self, *args):
        self.count += 1


def test_limit_bounds_the_trees_visited(ctx, db, monkeypatch):
    computes(db, 12)
    visited = []
    original = candidates._Search.tree_candidates

    def counting(self, anchor, per_group):
        visited.append(anchor)
        return original(self, anchor, per_group)

    monkeypatch.setattr(candidates._Search, 'tree_candidates', counting)
    result = candidates.find(ctx, query('resources=VCPU:1&limit=3'))
    assert len(result.candidates) == 3
    # Generators are created lazily: only the trees that gave a candidate.
    assert len(visited) == 3
    assert len(result.summaries) == 3
    visited.clear()
    everything = candidates.find(ctx, query('resources=VCPU:1'))
    assert len(everything.candidates) == 12
    assert len(visited) == 12


def test_statements_do_not_grow_with_providers(ctx, db):
    rps = computes(db, 3)
    text = ('resources=VCPU:1&required=!CUSTOM_X&member_of=!'
            '00000000-0000-0000-0000-000000000001'
            '&resources1=VCPU:1&group_policy=none')
    data.ensure_trait(db, 'CUSTOM_X')
    with StatementCounter(db.engine) as few:
        small = candidates.find(ctx, query(text))
    assert len(small.candidates) == 3
    for i in range(3, 30):
        rps.append(data.create_provider(db, 'more%d' % i))
        data.add_inventory(db, rps[-1], 'VCPU', 8)
    with StatementCounter(db.engine) as many:
        large = candidates.find(ctx, query(text))
    assert len(large.candidates) == 30
    assert many.count == few.count
    assert many.count <= 12


def test_eight_groups_in_one_tree_stop_at_the_limit(ctx, db, monkeypatch):
    root = data.create_provider(db, 'host')
    for i in range(8):
        child = data.create_provider(db, 'dev%d' % i, parent=root)
        data.add_inventory(db, child, 'VCPU', 8)
    groups = '&'.join('resources%d=VCPU:1' % i for i in range(1, 9))
    # The work is counted in backtracking steps, not seconds: the tree has
    # 8**8 (none) or 8! (isolate) combinations, and reaching 1000 of them
    # must take a number of steps proportional to the limit.
    steps = []
    original = candidates._Search._assign

    def counting(self, *args):
        steps.append(1)
        return original(self, *args)

    monkeypatch.setattr(candidates._Search, '_assign', counting)
    for policy in ('none', 'isolate'):
        del steps[:]
        result = candidates.find(ctx, query(
            groups + '&group_policy=%s&limit=1000' % policy))
        assert len(result.candidates) == 1000
        assert len(steps) < 20000, (policy, len(steps))
        for candidate in result.candidates:
            assert len(candidate.mappings) == 8
            if policy == 'isolate':
                assert len(candidate.allocations) == 8
    # The same request without a limit under a small cap.
    ctx.config.set_override('max_allocation_candidates', 50,
                            group='placement')
    try:
        capped = candidates.find(ctx, query(groups + '&group_policy=none'))
    finally:
        ctx.config.clear_override('max_allocation_candidates',
                                  group='placement')
    assert len(capped.candidates) == 50


def test_sharing_only_candidates_are_not_repeated(ctx, db):
    agg = data.new_uuid()
    for name in ('cn1', 'cn2', 'ss'):
        rp = data.create_provider(db, name)
        data.set_aggregates(db, rp, agg)
        if name == 'ss':
            data.add_inventory(db, rp, 'DISK_GB', 100)
            data.set_traits(db, rp, 'MISC_SHARES_VIA_AGGREGATE')
    # ss serves the request from three anchors (itself, cn1, cn2): one
    # candidate.
    result = candidates.find(ctx, query('resources=DISK_GB:10'))
    assert len(result.candidates) == 1
    result = candidates.find(ctx, query('resources1=DISK_GB:10'))
    assert len(result.candidates) == 1


def test_bounded_search_reads_trees_in_chunks(ctx, db, monkeypatch):
    rps = computes(db, 12)
    # Only the last three providers have room.
    for rp in rps[:9]:
        data.allocate(db, data.new_uuid(), {rp: {'VCPU': 8}})
    monkeypatch.setattr(candidates, '_FIRST_CHUNK', 4)
    chunks = []
    original = candidates.sql.roots_after

    def recording(conn, after, count):
        roots = original(conn, after, count)
        chunks.append(len(roots))
        return roots

    monkeypatch.setattr(candidates.sql, 'roots_after', recording)
    result = candidates.find(ctx, query('resources=VCPU:1&limit=2'))
    assert len(result.candidates) == 2
    # 4 roots without a candidate, then the next 8 x 4 hold the rest.
    assert chunks == [4, 8]
    assert {rp.id for rp in rps[9:]} >= set(result.summaries)
    chunks.clear()
    result = candidates.find(ctx, query('resources=VCPU:1&limit=5'))
    assert len(result.candidates) == 3


def test_search_state_is_freed_without_the_cyclic_collector(ctx, db,
                                                             monkeypatch):
    # Trees with several options per slot take the backtracking path; the
    # handler pauses the collector, so any reference cycle through the
    # search would keep its whole state alive until the next collection.
    for t in range(3):
        root = data.create_provider(db, 'host%d' % t)
        for i in range(2):
            child = data.create_provider(db, 'numa%d_%d' % (t, i),
                                         parent=root)
            data.add_inventory(db, child, 'VCPU', 8)
    searches = []
    original = candidates._Search.__init__

    def recording(self, *args):
        original(self, *args)
        searches.append(weakref.ref(self))

    monkeypatch.setattr(candidates._Search, '__init__', recording)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for text in ('resources=VCPU:1',
                     'resources1=VCPU:1&resources2=VCPU:1'
                     '&group_policy=isolate',
                     'resources1=VCPU:1&resources2=VCPU:1&group_policy=none'
                     '&limit=2'):
            result = candidates.find(ctx, query(text))
            assert result.candidates
            assert searches[-1]() is None, text
    finally:
        if was_enabled:
            gc.enable()


def test_bounded_search_reads_the_anchors_of_its_trees(ctx, db,
                                                       monkeypatch):
    # One sharing provider serves more trees than the first chunk reads:
    # a limited search reads the anchors of the chunk's trees only, so its
    # work does not grow with the trees sharing the aggregate.
    agg = data.new_uuid()
    storage = data.create_provider(db, 'storage')
    data.add_inventory(db, storage, 'DISK_GB', 1000)
    data.set_traits(db, storage, 'MISC_SHARES_VIA_AGGREGATE')
    data.set_aggregates(db, storage, agg)
    count = candidates._FIRST_CHUNK + 40
    for i in range(count):
        rp = data.create_provider(db, 'cn%d' % i)
        data.add_inventory(db, rp, 'VCPU', 8)
        data.set_aggregates(db, rp, agg)
    read = []
    original = candidates.sql.sharing_anchors

    def recording(conn, members, *ranges):
        anchors = original(conn, members, *ranges)
        read.append(sum(len(roots) for roots in anchors.values()))
        return anchors

    monkeypatch.setattr(candidates.sql, 'sharing_anchors', recording)
    limited = candidates.find(ctx, query('resources=VCPU:1,DISK_GB:10'
                                         '&limit=5'))
    assert len(limited.candidates) == 5
    assert read == [candidates._FIRST_CHUNK]
    read.clear()
    everything = candidates.find(ctx, query('resources=VCPU:1,DISK_GB:10'))
    assert len(everything.candidates) == count
    assert read == [count + 1]
