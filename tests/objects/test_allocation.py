"""The allocation write transaction: retries of lost races, each in a new
transaction, and deadlock retries that include the commit."""
import threading
import time

from oslo_db import exception as db_exc
import pytest
import sqlalchemy as sa

from placement.db import api as db_api
from placement.db import tables
from placement import exception
from placement.objects import allocation as alloc_obj
from placement.objects import consumer as consumer_obj
from tests import data


@pytest.fixture
def rp(db):
    provider = data.create_provider(db, 'rp')
    data.add_inventory(db, provider, 'VCPU', 4)
    return provider


def write(rp, consumer_uuid, amount, generation=None):
    return alloc_obj.ConsumerWrite(
        consumer_uuid=consumer_uuid,
        allocations={rp.uuid: {'VCPU': amount}} if amount else {},
        project_id='p', user_id='u', generation=generation)


def snapshot(db):
    """(provider generations, consumer rows, allocation rows)."""
    with db.engine.connect() as conn:
        return (
            conn.execute(sa.select(tables.resource_providers.c.generation)
                         ).scalars().all(),
            conn.execute(sa.select(tables.consumers.c.uuid,
                                   tables.consumers.c.generation)).all(),
            conn.execute(sa.select(tables.allocations.c.consumer_id,
                                   tables.allocations.c.used)).all(),
        )


def test_a_lost_race_is_retried_in_a_new_transaction(ctx, db, rp,
                                                     monkeypatch):
    """The first attempt creates the consumer and bumps both generations,
    then loses; if the retry ran in the same transaction it would find the
    consumer (generation 1, not the null the client sent) and fail."""
    checks = []
    real_check = alloc_obj._check

    def lose_first(*args):
        checks.append(args)
        if len(checks) == 1:
            raise alloc_obj._Retry()
        return real_check(*args)

    monkeypatch.setattr(alloc_obj, '_check', lose_first)
    consumer = data.new_uuid()
    alloc_obj.replace(ctx, [write(rp, consumer, 2, generation=None)])
    assert len(checks) == 2
    assert snapshot(db) == ([1], [(consumer, 1)], [(consumer, 2)])


def test_retries_are_bounded_by_the_configured_count(ctx, db, rp, conf,
                                                     monkeypatch):
    attempts = []

    def always_lose(*args):
        attempts.append(args)
        raise alloc_obj._Retry()

    monkeypatch.setattr(alloc_obj, '_check', always_lose)
    conf.set_override('allocation_conflict_retry_count', 2,
                      group='placement')
    try:
        with pytest.raises(exception.ConcurrentUpdateDetected):
            alloc_obj.replace(ctx, [write(rp, data.new_uuid(), 1)])
    finally:
        conf.clear_override('allocation_conflict_retry_count',
                            group='placement')
    assert len(attempts) == 3
    assert snapshot(db) == ([0], [], [])


def test_a_deadlock_at_commit_retries_the_whole_transaction(ctx, db, rp):
    """Galera reports a certification failure at COMMIT as a deadlock:
    the retry must start over with a new transaction, not commit a
    half-failed one."""
    commits = []

    def fail_first_commit(conn):
        commits.append(conn)
        if len(commits) == 1:
            raise db_exc.DBDeadlock()

    sa.event.listen(db.engine, 'commit', fail_first_commit)
    try:
        consumer = data.new_uuid()
        alloc_obj.replace(ctx, [write(rp, consumer, 3, generation=None)])
    finally:
        sa.event.remove(db.engine, 'commit', fail_first_commit)
    assert len(commits) == 2
    assert snapshot(db) == ([1], [(consumer, 1)], [(consumer, 3)])


def test_failed_checks_leave_nothing_behind(ctx, db, rp):
    first = data.new_uuid()
    alloc_obj.replace(ctx, [write(rp, first, 3)])
    before = snapshot(db)
    with pytest.raises(exception.InvalidAllocationCapacityExceeded):
        alloc_obj.replace(ctx, [write(rp, data.new_uuid(), 2)])
    with pytest.raises(exception.ConsumerGenerationConflict):
        alloc_obj.replace(ctx, [write(rp, first, 1, generation=0)])
    with pytest.raises(exception.ResourceProviderNotFound):
        alloc_obj.replace(ctx, [alloc_obj.ConsumerWrite(
            data.new_uuid(), {data.new_uuid(): {'VCPU': 1}}, 'p', 'u')])
    assert snapshot(db) == before


def test_delete_consumer(ctx, db, rp):
    consumer = data.new_uuid()
    alloc_obj.replace(ctx, [write(rp, consumer, 1)])
    alloc_obj.delete_consumer(ctx, consumer)
    assert snapshot(db) == ([1], [], [])
    with pytest.raises(exception.ConsumerNotFound):
        alloc_obj.delete_consumer(ctx, consumer)


def test_a_project_created_concurrently_is_found_not_duplicated(db):
    """Two transactions create the same project: the second waits on the
    unique key, fails in its savepoint, reads the first one's row and can
    go on with its transaction. (SQLite has one writer at a time: there
    the second transaction fails as a whole, as a lock error, and its
    retry finds the row.)"""
    found = {}

    @db_api.retry_on_deadlock
    def second():
        with db.engine.begin() as conn:
            found['id'] = consumer_obj.project_id_for(conn, 'race')
            found['other'] = consumer_obj.user_id_for(conn, 'someone')

    with db.engine.connect() as conn:
        with conn.begin():
            first_id = consumer_obj.project_id_for(conn, 'race')
            thread = threading.Thread(target=second)
            thread.start()
            # Let the second transaction reach the insert and wait.
            time.sleep(0.5)
        thread.join(timeout=30)
    assert found['id'] == first_id
    with db.engine.connect() as conn:
        assert conn.execute(sa.select(tables.projects.c.id)).all() == [
            (first_id,)]
        assert conn.execute(sa.select(tables.users.c.external_id)).all() == [
            ('someone',)]


def test_consumers_share_project_and_user_records(ctx, db, rp):
    for _ in range(2):
        alloc_obj.replace(ctx, [write(rp, data.new_uuid(), 1)])
    with db.engine.connect() as conn:
        for table in (tables.projects, tables.users):
            assert conn.execute(sa.select(sa.func.count()).select_from(
                table)).scalar() == 1
