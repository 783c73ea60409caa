"""Every SQL statement of provider search (candidates and the provider
list), SQLAlchemy Core only.

The statements are set-based and their number per request is fixed: each
one answers a question about all providers at once ("which providers have
room for 1 VCPU", "which providers have any of these traits"), never one
provider at a time. Short lists of ids are bound as IN parameters, long
ones written into the statement (_in).

Usage is always computed the same way: SUM(allocations.used) grouped by
(provider, class), outer-joined to inventories; capacity is
(total - reserved) * allocation_ratio.
"""
import collections

import sqlalchemy as sa
import sqlalchemy.ext.compiler

from placement.db import tables
from placement import exception
from placement.objects import inventory
from placement.objects import resource_provider

_rp = tables.resource_providers
_inv = tables.inventories
_alloc = tables.allocations
_traits = tables.traits
_rpt = tables.resource_provider_traits
_rpa = tables.resource_provider_aggregates
_aggs = tables.placement_aggregates

SHARING_TRAIT = 'MISC_SHARES_VIA_AGGREGATE'

# Capacity of one inventory row; compared as a float like upstream does,
# reported floored.
_CAPACITY = inventory.CAPACITY


def _all(conn, statement):
    """Every row of ``statement`` as plain tuples, read from the DB-API
    cursor: for the tens of thousands of rows of a large search, building
    Row objects costs as much as the query itself. Only for statements
    whose columns need no type conversion (ids, numbers, strings)."""
    result = conn.execute(statement)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _in(column, ids):
    """``column IN ids`` for a set of integer ids. Long lists are written
    into the statement: integers need no quoting, and one bound parameter
    per id costs more than the query itself once there are hundreds."""
    ids = sorted(ids)
    if len(ids) > 64:
        return _IdsIn(column, ids)
    return column.in_(ids)


class _IdsIn(sa.sql.expression.ColumnElement):
    """``column IN (1, 2, ...)`` with the ids in the statement's text.
    SQLAlchemy's literal rendering takes microseconds per value, 16 ms
    for the 4,000 ids of ac_perfload at 10,000 providers; joining the
    decimal strings takes a hundredth of that. A statement holding one is
    compiled each time instead of cached (it would be cached per id
    list)."""
    type = sa.Boolean()
    # A condition in itself: without this, dialects with no boolean type
    # would write "... IN (...) = 1".
    _is_implicitly_boolean = True
    inherit_cache = False

    def __init__(self, column, ids, negated=False):
        self.column = column
        self.ids = ids
        self.negated = negated

    def _negate(self):
        # NOT IN, as SQLAlchemy writes a negated in_() (its generic
        # negation is "... = 0" on MySQL and SQLite).
        return _IdsIn(self.column, self.ids, not self.negated)

    @property
    def _from_objects(self):
        return self.column._from_objects

    def get_children(self, **kwargs):
        return (self.column,)


@sa.ext.compiler.compiles(_IdsIn)
def _render_ids_in(element, compiler, **kw):
    # %d refuses anything but a number: nothing else reaches the text.
    return '%s %s (%s)' % (compiler.process(element.column, **kw),
                           'NOT IN' if element.negated else 'IN',
                           ','.join(['%d' % i for i in element.ids]))


def _usage(class_ids=None, provider_ids=None):
    """Subquery: used per (provider, class)."""
    sel = sa.select(_alloc.c.resource_provider_id,
                    _alloc.c.resource_class_id,
                    sa.func.sum(_alloc.c.used).label('used'))
    if class_ids is not None:
        sel = sel.where(_in(_alloc.c.resource_class_id, class_ids))
    if isinstance(provider_ids, sa.Select):
        sel = sel.where(_alloc.c.resource_provider_id.in_(provider_ids))
    elif provider_ids is not None:
        sel = sel.where(
            _in(_alloc.c.resource_provider_id, provider_ids))
    return sel.group_by(_alloc.c.resource_provider_id,
                        _alloc.c.resource_class_id).subquery('usage')


def _fits(amount, used):
    """SQL condition: one inventory row can take ``amount`` more."""
    return sa.and_(
        _inv.c.min_unit <= amount,
        _inv.c.max_unit >= amount,
        sa.literal(amount) % _inv.c.step_size == 0,
        _CAPACITY >= used + amount)


def trait_ids(conn, names, with_sharing=False):
    """{name: id} for ``names`` (TraitNotFound lists unknown ones), plus
    the sharing trait when asked for and known."""
    wanted = set(names)
    lookup = wanted | ({SHARING_TRAIT} if with_sharing else set())
    if not lookup:
        return {}
    found = dict(conn.execute(
        sa.select(_traits.c.name, _traits.c.id)
        .where(_traits.c.name.in_(sorted(lookup)))).all())
    missing = wanted - set(found)
    if missing:
        raise exception.TraitNotFound(names=', '.join(sorted(missing)))
    return found


def trait_and_aggregate_ids(conn, names, uuids, with_sharing=False):
    """({trait name: id}, {aggregate uuid: id} of the known aggregates)
    in one statement; TraitNotFound as for trait_ids."""
    wanted = set(names)
    lookup = wanted | ({SHARING_TRAIT} if with_sharing else set())
    parts = []
    if lookup:
        parts.append(sa.select(sa.literal(0, sa.Integer), _traits.c.name,
                               _traits.c.id)
                     .where(_traits.c.name.in_(sorted(lookup))))
    if uuids:
        parts.append(sa.select(sa.literal(1, sa.Integer), _aggs.c.uuid,
                               _aggs.c.id)
                     .where(_aggs.c.uuid.in_(sorted(uuids))))
    traits, aggregates = {}, {}
    if parts:
        statement = parts[0] if len(parts) == 1 else sa.union_all(*parts)
        for kind, key, row_id in _all(conn, statement):
            (aggregates if kind else traits)[key] = row_id
    missing = wanted - set(traits)
    if missing:
        raise exception.TraitNotFound(names=', '.join(sorted(missing)))
    return traits, aggregates


def root_ids(conn, uuids):
    """{provider uuid: id of its root} of the known providers."""
    if not uuids:
        return {}
    return dict(conn.execute(
        sa.select(_rp.c.uuid, _rp.c.root_provider_id)
        .where(_rp.c.uuid.in_(sorted(uuids)))).all())


def _providers_in(agg_ids):
    return (sa.select(_rpa.c.resource_provider_id)
            .where(_in(_rpa.c.aggregate_id, agg_ids)))


def _providers_with(trait_ids):
    return (sa.select(_rpt.c.resource_provider_id)
            .where(_in(_rpt.c.trait_id, trait_ids)))


def _roots_with(trait_ids):
    """Subquery: root ids of the trees with a provider that has one of the
    traits ``trait_ids``."""
    holder = _rp.alias('holder')
    return (sa.select(holder.c.root_provider_id)
            .select_from(holder.join(
                _rpt, _rpt.c.resource_provider_id == holder.c.id))
            .where(_in(_rpt.c.trait_id, trait_ids)))


def _roots_sharing_with(sharing_ids):
    """Subquery: root ids of the trees that the sharing providers
    ``sharing_ids`` serve (a provider in one of their aggregates)."""
    member = _rp.alias('member')
    theirs = _rpa.alias('theirs')
    return (sa.select(member.c.root_provider_id)
            .select_from(_rpa.join(
                member, member.c.id == _rpa.c.resource_provider_id))
            .where(_rpa.c.aggregate_id.in_(
                sa.select(theirs.c.aggregate_id)
                .where(_in(theirs.c.resource_provider_id, sharing_ids)))))


def _in_trees(root_ids):
    """Subquery: ids of the providers in the trees ``root_ids`` (a list or
    a subquery)."""
    tree = _rp.alias('tree')
    if isinstance(root_ids, (list, set, tuple, frozenset)):
        where = _in(tree.c.root_provider_id, root_ids)
    else:
        where = tree.c.root_provider_id.in_(root_ids)
    return sa.select(tree.c.id).where(where)


def _self_or_root_in(agg_ids):
    """Subquery: ids of the providers that are, or whose root is, in one
    of the aggregates ``agg_ids``."""
    members = _providers_in(agg_ids)
    tree = _rp.alias('tree')
    return sa.select(tree.c.id).where(sa.or_(
        tree.c.id.in_(members), tree.c.root_provider_id.in_(members)))


def group_is_filtered(group):
    """Whether capacity_rows filters the providers of ``group`` beyond
    their inventory."""
    return bool(_group_filter(group))


def _group_filter(group, row_root=None):
    """Conditions on the provider of an inventory row that every provider
    serving ``group`` meets (the search checks the rest exactly). They
    test inventories.resource_provider_id against subqueries rather than
    joining resource_providers: the planner cannot estimate the capacity
    conditions and would pick a row-by-row join. A statement that joins
    it anyway passes its root id column as ``row_root``: the conditions
    on the tree then test that column, which MariaDB evaluates in half
    the time of the same test through a subquery of the tree's
    members."""
    rp_id = _inv.c.resource_provider_id

    def tree_in(roots):
        if row_root is not None:
            return row_root.in_(roots)
        return rp_id.in_(_in_trees(roots))

    def in_aggregates(agg_ids):
        # A suffixed group's provider is in the aggregates itself; for
        # the unsuffixed group the provider or its root is.
        if group.single:
            return rp_id.in_(_providers_in(agg_ids))
        if row_root is None:
            return rp_id.in_(_self_or_root_in(agg_ids))
        members = _providers_in(agg_ids)
        return sa.or_(rp_id.in_(members), row_root.in_(members))

    conditions = []
    if group.tree_root is not None:
        conditions.append(tree_in([group.tree_root]))
    for agg_ids in group.member_of:
        conditions.append(in_aggregates(agg_ids))
    if group.forbidden_aggs:
        conditions.append(sa.not_(in_aggregates(group.forbidden_aggs)))
    traits = group.traits
    if traits.forbidden:
        conditions.append(rp_id.not_in(_providers_with(traits.forbidden)))
    if group.single:
        # The unsuffixed group may gather its traits over several
        # providers; a suffixed group's provider has them all itself.
        for trait_id in sorted(traits.required):
            conditions.append(rp_id.in_(_providers_with([trait_id])))
        for trait_ids in traits.any_of:
            conditions.append(rp_id.in_(_providers_with(trait_ids)))
    else:
        # Only a tree with a provider holding the trait can gather it,
        # or a tree that a sharing provider holding it serves; sharing
        # providers' own rows are always wanted.
        for trait_ids, holders in group.tree_traits:
            in_tree = tree_in(_roots_with(trait_ids))
            if holders:
                in_tree = sa.or_(in_tree, tree_in(_roots_sharing_with(
                    holders)))
            if group.sharing_ids:
                in_tree = sa.or_(in_tree, _in(rp_id, group.sharing_ids))
            conditions.append(in_tree)
    return conditions


def _serves(groups, row_root=None):
    """SQL condition: an inventory row is of a class some group asks for,
    on a provider that group may use (``row_root``: see _group_filter).
    Whether the amount fits is checked by the caller: the planner cannot
    estimate capacity arithmetic and would choose row-by-row joins for
    it."""
    serves = []
    for group in groups:
        serves.append(sa.and_(
            _in(_inv.c.resource_class_id, group.resources),
            *_group_filter(group, row_root)))
    return sa.or_(*serves)


def capacity_rows(conn, groups, provider_ids=None, root_range=None,
                  roots=None, id_range=None):
    """Inventory rows of the classes the resourceful ``groups`` ask for
    (objects with ``resources`` {class id: amount}, ``single``,
    ``tree_root``, ``member_of``, ``forbidden_aggs`` and ``traits`` in ids),
    of ``provider_ids``, of the trees whose root id is in the inclusive
    ``root_range`` or of the trees ``roots`` only when given (and then
    ``id_range``, the inclusive range of the ids of the providers of
    those trees, if known): (provider id, root id, class id, capacity,
    used, min_unit, max_unit, step_size)."""
    class_ids = {cid for group in groups for cid in group.resources}
    in_range = None
    if root_range is not None:
        tree = _rp.alias('tree')
        in_range = sa.select(tree.c.id).where(
            _root_range(tree.c.root_provider_id, root_range))
        if id_range is not None:
            in_range = in_range.where(_root_range(tree.c.id, id_range))
    usage = _usage(class_ids=class_ids,
                   provider_ids=in_range if in_range is not None
                   else provider_ids)
    used = sa.func.coalesce(usage.c.used, 0)
    sel = (
        sa.select(_inv.c.resource_provider_id, _rp.c.root_provider_id,
                  _inv.c.resource_class_id, _CAPACITY, used,
                  _inv.c.min_unit, _inv.c.max_unit, _inv.c.step_size)
        .select_from(
            _inv.join(_rp, _rp.c.id == _inv.c.resource_provider_id)
            .outerjoin(usage, sa.and_(
                usage.c.resource_provider_id == _inv.c.resource_provider_id,
                usage.c.resource_class_id == _inv.c.resource_class_id)))
        .where(_serves(groups, row_root=_rp.c.root_provider_id)))
    if root_range is not None:
        sel = sel.where(_root_range(_rp.c.root_provider_id, root_range))
    if roots is not None:
        sel = sel.where(_in(_rp.c.root_provider_id, roots))
    elif provider_ids is not None:
        # On both sides of the join: with the ids on one side only, the
        # planner hashed the other, every provider of the cloud.
        sel = sel.where(_in(_inv.c.resource_provider_id, provider_ids),
                        _in(_rp.c.id, provider_ids))
    if id_range is not None:
        # Implied by the trees' root ids, but a range of provider ids on
        # both sides of the join is what the planner estimates well:
        # analysed, it hashed the join by root ids against the whole
        # inventory table, which made a limit=10 search grow with the
        # cloud.
        sel = sel.where(_root_range(_inv.c.resource_provider_id, id_range),
                        _root_range(_rp.c.id, id_range))
    return _all(conn, sel)


def roots_after(conn, after, count):
    """Up to ``count`` root provider ids greater than ``after`` (None:
    from the first), ascending."""
    sel = (sa.select(_rp.c.id)
           .where(_rp.c.parent_provider_id.is_(None))
           .order_by(_rp.c.id).limit(count))
    if after is not None:
        sel = sel.where(_rp.c.id > after)
    return [row[0] for row in conn.execute(sel)]


def providers(conn, ids):
    """(id, parent id, root id) of the providers ``ids``."""
    return conn.execute(
        sa.select(_rp.c.id, _rp.c.parent_provider_id, _rp.c.root_provider_id)
        .where(_in(_rp.c.id, ids))).all()


def memberships(conn, trait_ids, agg_ids):
    """({provider id: set of trait ids}, {provider id: set of aggregate
    ids}) for the traits ``trait_ids`` and the aggregates ``agg_ids``, in
    one statement."""
    traits_of = collections.defaultdict(set)
    aggs_of = collections.defaultdict(set)
    parts = []
    if trait_ids:
        parts.append(sa.select(sa.literal(0, sa.Integer),
                               _rpt.c.resource_provider_id, _rpt.c.trait_id)
                     .where(_in(_rpt.c.trait_id, trait_ids)))
    if agg_ids:
        parts.append(sa.select(sa.literal(1, sa.Integer),
                               _rpa.c.resource_provider_id,
                               _rpa.c.aggregate_id)
                     .where(_in(_rpa.c.aggregate_id, agg_ids)))
    if parts:
        statement = parts[0] if len(parts) == 1 else sa.union_all(*parts)
        for kind, rp_id, member_id in _all(conn, statement):
            (aggs_of if kind else traits_of)[rp_id].add(member_id)
    return traits_of, aggs_of


def aggregates_of(conn, provider_ids):
    """{aggregate id: [ids of the providers ``provider_ids`` in it]}."""
    members = collections.defaultdict(list)
    if provider_ids:
        for rp_id, agg_id in _all(conn, (
                sa.select(_rpa.c.resource_provider_id, _rpa.c.aggregate_id)
                .where(_in(_rpa.c.resource_provider_id, provider_ids)))):
            members[agg_id].append(rp_id)
    return members


def sharing_anchors(conn, members, root_range=None, id_range=None):
    """{sharing provider id: ids of the roots of every provider that
    shares an aggregate with it (its own root included)}, from
    ``members`` ({aggregate id: [sharing provider ids]}, aggregates_of);
    only roots in the inclusive ``root_range`` when given (``id_range``:
    see capacity_rows), so that a bounded search reads the anchors of the
    trees it reads.

    Not one self-join of the membership table: planned as one, the join
    started from every membership row of the cloud (a hash join over all
    providers) instead of the few aggregates of the sharing providers."""
    anchors = collections.defaultdict(set)
    if not members:
        return anchors
    sel = (sa.select(_rpa.c.aggregate_id, _rp.c.root_provider_id).distinct()
           .select_from(_rpa.join(_rp,
                                  _rp.c.id == _rpa.c.resource_provider_id))
           .where(_in(_rpa.c.aggregate_id, members)))
    if root_range is not None:
        sel = sel.where(_root_range(_rp.c.root_provider_id, root_range))
    if id_range is not None:
        sel = sel.where(_root_range(_rpa.c.resource_provider_id, id_range),
                        _root_range(_rp.c.id, id_range))
    for agg_id, root_id in _all(conn, sel):
        for sharing_id in members[agg_id]:
            anchors[sharing_id].add(root_id)
    return anchors


def _root_range(column, root_range):
    first, last = root_range
    return sa.and_(column >= first, column <= last)


def tree_members(conn, roots=None, root_range=None):
    """(id, parent id, root id) of every provider in the trees ``roots``,
    or whose root id is in the inclusive ``root_range``, or of every
    provider when both are None."""
    sel = sa.select(_rp.c.id, _rp.c.parent_provider_id,
                    _rp.c.root_provider_id)
    if roots is not None:
        if not roots:
            return []
        sel = sel.where(_in(_rp.c.root_provider_id, roots))
    elif root_range is not None:
        sel = sel.where(_root_range(_rp.c.root_provider_id, root_range))
    return _all(conn, sel)


def _of_providers(column, roots, provider_ids):
    """``column`` (a provider id) is in the trees ``roots`` or among
    ``provider_ids`` (true when both are None)."""
    if roots is not None:
        return column.in_(_in_trees(roots))
    if provider_ids is not None:
        return _in(column, provider_ids)
    return sa.true()


def summary_providers(conn, roots=None, provider_ids=None):
    """(id, uuid, parent id, root id) of the providers of the trees
    ``roots``, or of the providers ``provider_ids``."""
    sel = sa.select(_rp.c.id, _rp.c.uuid, _rp.c.parent_provider_id,
                    _rp.c.root_provider_id)
    if roots is not None:
        sel = sel.where(_in(_rp.c.root_provider_id, roots))
    elif provider_ids is not None:
        sel = sel.where(_in(_rp.c.id, provider_ids))
    return _all(conn, sel)


def provider_uuids(conn, ids):
    """{id: uuid} of providers."""
    return dict(conn.execute(sa.select(_rp.c.id, _rp.c.uuid).where(
        _in(_rp.c.id, ids))).all())


def summary_inventories(conn, roots=None, provider_ids=None,
                        class_ids=None, known_groups=None, known_rows=None):
    """(provider id, class id, capacity, used) of every inventory in the
    trees ``roots`` (or of the providers ``provider_ids``), only of
    ``class_ids`` when given, and without the rows capacity_rows gave for
    ``known_groups`` or the rows ``known_rows`` ({class id: provider
    ids}): the caller has them."""
    usage = (sa.select(_alloc.c.resource_provider_id,
                       _alloc.c.resource_class_id,
                       sa.func.sum(_alloc.c.used).label('used'))
             .where(_of_providers(_alloc.c.resource_provider_id, roots,
                                  provider_ids))
             .group_by(_alloc.c.resource_provider_id,
                       _alloc.c.resource_class_id).subquery('usage'))
    sel = (
        sa.select(_inv.c.resource_provider_id, _inv.c.resource_class_id,
                  _CAPACITY, sa.func.coalesce(usage.c.used, 0))
        .select_from(_inv.outerjoin(usage, sa.and_(
            usage.c.resource_provider_id == _inv.c.resource_provider_id,
            usage.c.resource_class_id == _inv.c.resource_class_id)))
        .where(_of_providers(_inv.c.resource_provider_id, roots,
                             provider_ids)))
    if class_ids is not None:
        sel = sel.where(_in(_inv.c.resource_class_id, class_ids))
    if known_groups:
        sel = sel.where(sa.not_(_serves(known_groups)))
    if known_rows:
        sel = sel.where(sa.not_(sa.or_(*(
            sa.and_(_inv.c.resource_class_id == class_id,
                    _in(_inv.c.resource_provider_id, rp_ids))
            for class_id, rp_ids in sorted(known_rows.items())))))
    return _all(conn, sel)


def summary_traits(conn, roots=None, provider_ids=None):
    """(provider id, trait name) of every trait in the trees ``roots`` (or
    of the providers ``provider_ids``)."""
    return _all(conn, (
        sa.select(_rpt.c.resource_provider_id, _traits.c.name)
        .select_from(_rpt.join(_traits, _traits.c.id == _rpt.c.trait_id))
        .where(_of_providers(_rpt.c.resource_provider_id, roots,
                             provider_ids))))


def _in_aggregates(agg_uuids):
    """Subquery: ids of the providers in any of ``agg_uuids``."""
    return (sa.select(_rpa.c.resource_provider_id)
            .select_from(_rpa.join(_aggs, _aggs.c.id == _rpa.c.aggregate_id))
            .where(_aggs.c.uuid.in_(sorted(agg_uuids))))


def _with_trait(trait_id_list):
    return (sa.select(_rpt.c.resource_provider_id)
            .where(_rpt.c.trait_id.in_(sorted(trait_id_list))))


def list_providers(conn, flt, class_amounts, trait_id_of):
    """Rows (tuples in the order of ResourceProvider's fields) of the
    providers matching a ProviderFilter whose classes and traits are
    resolved to ids (``class_amounts`` {class id: amount}, ``trait_id_of``
    {name: id})."""
    select = resource_provider.select_providers()
    if flt.name is not None:
        select = select.where(_rp.c.name == flt.name)
    if flt.uuid is not None:
        select = select.where(_rp.c.uuid == flt.uuid)
    if flt.in_tree is not None:
        tree = _rp.alias('tree')
        select = select.where(_rp.c.root_provider_id == (
            sa.select(tree.c.root_provider_id)
            .where(tree.c.uuid == flt.in_tree).scalar_subquery()))
    for agg_uuids in flt.aggregates.member_of:
        select = select.where(_rp.c.id.in_(_in_aggregates(agg_uuids)))
    if flt.aggregates.forbidden:
        select = select.where(
            _rp.c.id.not_in(_in_aggregates(flt.aggregates.forbidden)))
    for name in sorted(flt.traits.required):
        select = select.where(_rp.c.id.in_(_with_trait([trait_id_of[name]])))
    for names in flt.traits.any_of:
        select = select.where(_rp.c.id.in_(
            _with_trait([trait_id_of[n] for n in names])))
    if flt.traits.forbidden:
        select = select.where(_rp.c.id.not_in(
            _with_trait([trait_id_of[n] for n in flt.traits.forbidden])))
    if class_amounts:
        # Only the class is a WHERE condition; whether the row fits is
        # counted in HAVING. Written as a filter, the capacity arithmetic
        # made the planner expect one matching provider and join the
        # thousands there are row by row (68 against 49 ms for 5,951 of
        # 10,000 providers on an analysed PostgreSQL). At most one row per
        # (provider, class), so ">=" says "every class fits"; it is an
        # inequality so that the planner expects many groups, not few.
        usage = _usage(class_ids=class_amounts)
        used = sa.func.coalesce(usage.c.used, 0)
        fitting_rows = sa.func.sum(sa.case(*[
            (sa.and_(_inv.c.resource_class_id == class_id,
                     _fits(amount, used)), 1)
            for class_id, amount in sorted(class_amounts.items())],
            else_=0))
        fits = (
            sa.select(_inv.c.resource_provider_id)
            .select_from(_inv.outerjoin(usage, sa.and_(
                usage.c.resource_provider_id ==
                _inv.c.resource_provider_id,
                usage.c.resource_class_id == _inv.c.resource_class_id)))
            .where(_in(_inv.c.resource_class_id, class_amounts))
            .group_by(_inv.c.resource_provider_id)
            .having(fitting_rows >= len(class_amounts)))
        select = select.where(_rp.c.id.in_(fits))
    return conn.execute(select.order_by(_rp.c.id)).all()
