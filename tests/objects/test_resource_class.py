"""Resource class CRUD in the object layer, including the races between
writers of custom class ids and between deleting a class and using it."""
import threading

import os_resource_classes as orc
import pytest

from placement import context as placement_context
from placement.db import standard
from placement import exception
from placement.objects import inventory as inv_obj
from placement.objects import resource_class as rc_obj
from tests import data


@pytest.fixture
def other_ctx(conf, db):
    """A second caller, with transactions of its own."""
    def make():
        return placement_context.RequestContext(
            user_id='admin', project_id='admin', roles=['admin'], db=db,
            config=conf)
    return make


def _in_thread(fn, *args):
    """Start ``fn(*args)`` in a thread; the returned join() gives its
    result or raises its exception."""
    outcome = {}

    def run():
        try:
            outcome['result'] = fn(*args)
        except Exception as exc:
            outcome['error'] = exc
    thread = threading.Thread(target=run)
    thread.start()

    def join():
        thread.join(60)
        assert not thread.is_alive()
        if 'error' in outcome:
            raise outcome['error']
        return outcome['result']
    return join


def test_standard_classes_listed_first_in_id_order(ctx):
    rc_obj.create(ctx, 'CUSTOM_LAST')
    names = [rc.name for rc in rc_obj.get_all(ctx)]
    assert names == list(orc.STANDARDS) + ['CUSTOM_LAST']


def test_custom_ids_start_at_offset_and_names_are_unique(ctx):
    first = rc_obj.create(ctx, 'CUSTOM_A')
    second = rc_obj.create(ctx, 'CUSTOM_B')
    assert (first.id, second.id) == (standard.CUSTOM_RC_ID_OFFSET,
                                     standard.CUSTOM_RC_ID_OFFSET + 1)
    with pytest.raises(exception.ResourceClassExists):
        rc_obj.create(ctx, 'CUSTOM_A')
    assert rc_obj.get_by_name(ctx, 'CUSTOM_B') == second
    with pytest.raises(exception.ResourceClassNotFound):
        rc_obj.get_by_name(ctx, 'CUSTOM_NOPE')


def test_ensure_creates_once(ctx):
    created, was_created = rc_obj.ensure(ctx, 'CUSTOM_E')
    again, created_again = rc_obj.ensure(ctx, 'CUSTOM_E')
    assert (was_created, created_again) == (True, False)
    assert again == created


def test_concurrent_creates_get_distinct_ids(ctx, other_ctx):
    """The second writer computes the id the first has not committed yet;
    it must end with the next id, not a duplicate-key error."""
    first = other_ctx()
    with first.db.writer(first):
        created = rc_obj.create(first, 'CUSTOM_FIRST')
        join = _in_thread(rc_obj.create, other_ctx(), 'CUSTOM_SECOND')
        # Give the second writer time to reach its insert and wait.
        threading.Event().wait(0.5)
    second = join()
    assert created.id == standard.CUSTOM_RC_ID_OFFSET
    assert second.id == standard.CUSTOM_RC_ID_OFFSET + 1
    assert {rc.name for rc in rc_obj.get_all(ctx)} >= {'CUSTOM_FIRST',
                                                       'CUSTOM_SECOND'}


def test_concurrent_creates_of_one_name_conflict(ctx, other_ctx):
    first = other_ctx()
    with first.db.writer(first):
        rc_obj.create(first, 'CUSTOM_SAME')
        join = _in_thread(rc_obj.create, other_ctx(), 'CUSTOM_SAME')
        threading.Event().wait(0.5)
    with pytest.raises(exception.ResourceClassExists):
        join()
    # ensure() in the same race answers "exists" instead.
    with first.db.writer(first):
        rc_obj.create(first, 'CUSTOM_OTHER')
        join = _in_thread(rc_obj.ensure, other_ctx(), 'CUSTOM_OTHER')
        threading.Event().wait(0.5)
    assert join()[1] is False


def test_rename_keeps_id_and_inventories(ctx, db):
    rp = data.create_provider(db, 'rp')
    data.add_inventory(db, rp, 'CUSTOM_OLD', 5)
    old = rc_obj.get_by_name(ctx, 'CUSTOM_OLD')
    renamed = rc_obj.rename(ctx, 'CUSTOM_OLD', 'CUSTOM_NEW')
    assert (renamed.id, renamed.name) == (old.id, 'CUSTOM_NEW')
    assert list(inv_obj.get_inventories(ctx, rp)) == ['CUSTOM_NEW']


def test_rename_refusals(ctx):
    rc_obj.create(ctx, 'CUSTOM_ONE')
    rc_obj.create(ctx, 'CUSTOM_TWO')
    with pytest.raises(exception.ResourceClassCannotUpdateStandard):
        rc_obj.rename(ctx, 'VCPU', 'CUSTOM_VCPU')
    with pytest.raises(exception.ResourceClassNotFound):
        rc_obj.rename(ctx, 'CUSTOM_MISSING', 'CUSTOM_THREE')
    with pytest.raises(exception.ResourceClassExists):
        rc_obj.rename(ctx, 'CUSTOM_ONE', 'CUSTOM_TWO')
    assert [rc.name for rc in rc_obj.get_all(ctx)][-2:] == ['CUSTOM_ONE',
                                                           'CUSTOM_TWO']


def test_delete_refusals_and_success(ctx, db):
    rp = data.create_provider(db, 'rp')
    data.add_inventory(db, rp, 'CUSTOM_INV', 5)
    data.ensure_resource_class(db, 'CUSTOM_ALLOC')
    # An allocation without inventory (as a reshape may leave for a
    # moment) pins its class too.
    data.allocate(db, data.new_uuid(), {rp: {'CUSTOM_ALLOC': 1}})
    rc_obj.create(ctx, 'CUSTOM_FREE')
    with pytest.raises(exception.ResourceClassCannotDeleteStandard):
        rc_obj.delete(ctx, 'VCPU')
    with pytest.raises(exception.ResourceClassNotFound):
        rc_obj.delete(ctx, 'CUSTOM_MISSING')
    for name in ('CUSTOM_INV', 'CUSTOM_ALLOC'):
        with pytest.raises(exception.ResourceClassInUse):
            rc_obj.delete(ctx, name)
        assert rc_obj.get_by_name(ctx, name).name == name
    rc_obj.delete(ctx, 'CUSTOM_FREE')
    with pytest.raises(exception.ResourceClassNotFound):
        rc_obj.get_by_name(ctx, 'CUSTOM_FREE')
    assert rc_obj.get_by_name(ctx, 'VCPU').id == 0


def test_delete_waits_for_an_inventory_writer_using_the_class(
        ctx, db, other_ctx):
    """A class delete racing an inventory write of that class sees the
    inventory once the write commits, instead of orphaning it."""
    rp = data.create_provider(db, 'rp')
    rc_obj.create(ctx, 'CUSTOM_RACE')
    writer = other_ctx()
    with writer.db.writer(writer):
        inv_obj.set_inventories(writer, rp, {'CUSTOM_RACE': {'total': 1}})
        join = _in_thread(rc_obj.delete, other_ctx(), 'CUSTOM_RACE')
        threading.Event().wait(0.5)
    with pytest.raises(exception.ResourceClassInUse):
        join()
    assert list(inv_obj.get_inventories(ctx, rp)) == ['CUSTOM_RACE']


def test_lookups_see_a_class_recreated_by_another_worker(ctx, db):
    first = rc_obj.create(ctx, 'CUSTOM_AGAIN')
    rc_obj.create(ctx, 'CUSTOM_BUMP')
    rc_obj.delete(ctx, 'CUSTOM_AGAIN')
    again = rc_obj.create(ctx, 'CUSTOM_AGAIN')
    assert again.id != first.id
    with db.engine.connect() as conn:
        assert rc_obj.id_for_name(conn, 'CUSTOM_AGAIN') == again.id
        assert rc_obj.names_for_ids(conn, [first.id]) == {}
