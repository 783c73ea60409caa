"""Why a candidate query finds what it finds (GET
/allocation_candidates/explain).

Two halves:

* Per request group, a funnel computed in SQL: every constraint of the
  group becomes a 0/1 column of one row per unit, the index of the first
  constraint a unit fails is computed with one CASE, and one GROUP BY
  counts the units per index. A unit is a resource provider for a suffixed
  group (one provider must satisfy it all) and a provider tree for the
  unsuffixed group (each class may come from another provider of the
  tree): a tree passes a class's constraint when some provider of the tree
  does. One statement per group (built from the blocks of sql.py) gives
  the counts, the closest units and the smaller amounts that would fit,
  never one query or one Python loop per provider.
* For the whole request, the candidate search itself (candidates.py): the
  trees every group can use, then root_required, the resourceless groups
  and same_subtree, group_policy=isolate, the checks only a whole
  candidate can make ('combination'), and the limit, reading trees in the
  same chunks as the candidate query. Skipped when a group's funnel kept
  nothing and no sharing provider can make up for it.

The funnels leave sharing providers out: a tree that lacks a class may
still be served by a sharing provider, which the request half shows.
"""
import itertools
import sys

import sqlalchemy as sa

from placement.db import api as db_api
from placement.db import tables
from placement.objects.search import candidates
from placement.objects.search import sql
from placement import request_group

_rp = tables.resource_providers
_inv = tables.inventories

# How many of the closest units are reported.
CLOSEST = 5

# Amounts are compared in SQL no larger than this: every database can
# hold it, and no inventory has that much of anything (columns are 32-bit;
# even a large allocation ratio stays far below).
_SQL_MAX_AMOUNT = 2 ** 62


def _sql_amount(amount):
    return min(amount, _SQL_MAX_AMOUNT)


def _flag(condition):
    return sa.case((condition, 1), else_=0)


def _inventory_rows(classes, providers=None):
    """(FROM clause, free) of the inventory rows of ``classes`` with their
    usage, and the free amount of a row (capacity - used); ``providers``:
    a subquery of the provider ids to read, or None for all."""
    usage = sql._usage(class_ids=classes, provider_ids=providers)
    free = sql._CAPACITY - sa.func.coalesce(usage.c.used, 0)
    rows = _inv.outerjoin(usage, sa.and_(
        usage.c.resource_provider_id == _inv.c.resource_provider_id,
        usage.c.resource_class_id == _inv.c.resource_class_id))
    return rows, free


def _providers_up_to(max_root):
    """Subquery: the providers of the trees whose root id is at most
    ``max_root``."""
    tree = _rp.alias('scoped')
    return sa.select(tree.c.id).where(tree.c.root_provider_id <= max_root)


def _level(class_id, amount, free, serving=()):
    """SQL: how far an inventory row gets for ``amount`` of ``class_id``:
    0 another class, 1 the class without room, 2 room but not in its
    units (min_unit/max_unit/step_size), 3 + j when it fails the j-th
    condition of ``serving``, 3 + len(serving) when it serves. One number
    per row and one MAX per unit instead of one aggregate per check."""
    amount = _sql_amount(amount)
    whens = [(_inv.c.resource_class_id != class_id, 0),
             (free < amount, 1),
             (sa.not_(sa.and_(_inv.c.min_unit <= amount,
                              _inv.c.max_unit >= amount,
                              sa.literal(amount) % _inv.c.step_size == 0)),
              2)]
    whens += [(sa.not_(cond), 3 + j) for j, cond in enumerate(serving)]
    return sa.case(*whens, else_=3 + len(serving))


def _pivot(group, classes, providers=None):
    """Subquery: per provider with inventory of one of ``classes`` (ids),
    per class i of the list: level<i> (see _level) and free<i>."""
    rows, free = _inventory_rows(classes, providers)
    columns = [_inv.c.resource_provider_id.label('rp_id')]
    for i, class_id in enumerate(classes):
        columns += [
            sa.func.max(_level(class_id, group.resources[class_id], free)
                        ).label('level%d' % i),
            sa.func.max(sa.case((_inv.c.resource_class_id == class_id,
                                 free))).label('free%d' % i)]
    sel = (sa.select(*columns).select_from(rows)
           .where(sql._in(_inv.c.resource_class_id, classes)))
    if providers is not None:
        sel = sel.where(_inv.c.resource_provider_id.in_(providers))
    return sel.group_by(_inv.c.resource_provider_id).subquery('pivot')


class _Funnel:
    """The SQL funnel of one resolved group (candidates._Group)."""

    def __init__(self, group, names, class_names, trait_names,
                 max_root=None):
        self.group = group
        # Count only the trees whose root id is at most this (the trees a
        # bounded search examined); None: every tree.
        self.max_root = max_root
        self.trees = not group.single
        self.unit = 'trees' if self.trees else 'providers'
        self.classes = sorted(group.resources, key=class_names.get)
        self.class_names = class_names
        self.names = names          # the request group's own names
        self.trait_names = trait_names
        self._build()

    # -- per provider ------------------------------------------------------

    def _provider_conditions(self, pivot):
        """Per class: (has, fits capacity, fits units); SQL over one
        provider row joined to the pivot."""
        per_class = []
        for i in range(len(self.classes)):
            level = sa.func.coalesce(pivot.c['level%d' % i], 0)
            per_class.append((level >= 1, level >= 2, level >= 3))
        return per_class

    def _build(self):
        group = self.group
        traits = group.traits

        def with_traits(trait_ids):
            return lambda rp_id, root_id: rp_id.in_(
                sql._providers_with(trait_ids))

        def without_traits(rp_id, root_id):
            return rp_id.not_in(sql._providers_with(traits.forbidden))

        # A tree step of the unsuffixed group needs some provider of the
        # tree, or its root, in the aggregates: the root is a provider of
        # the tree, so "a provider of the tree is in them" says it, with
        # a plain semi-join. A provider serving it must not be in a
        # forbidden aggregate, nor its root.
        def in_aggregates(agg_ids):
            if not agg_ids:  # only unknown aggregates: nothing matches
                return lambda rp_id, root_id: sa.false()
            return lambda rp_id, root_id: rp_id.in_(
                sql._providers_in(agg_ids))

        def outside_aggregates(rp_id, root_id):
            forbidden = group.forbidden_aggs
            if group.single:
                return rp_id.not_in(sql._providers_in(forbidden))
            return sa.and_(rp_id.not_in(sql._providers_in(forbidden)),
                           root_id.not_in(sql._providers_in(forbidden)))

        tree_root = group.tree_root if group.tree_root is not None else -1

        def in_tree(rp_id, root_id):
            return root_id == tree_root

        # (step body, condition on a provider (id, root id) or None for
        # the inventory steps, how a tree combines it, kind). A tree meets
        # an 'any' step when one of its providers does, a 'serving' step
        # when every class has a provider that serves it and meets the
        # step and the 'serving' steps before it.
        plan = []
        for level, kind, name in ((1, 'present', 'resource_class'),
                                  (2, 'capacity', 'capacity'),
                                  (3, 'units',
                                   'min_unit/max_unit/step_size')):
            for i, class_id in enumerate(self.classes):
                body = {'constraint': name,
                        'resource_class': self.class_names[class_id]}
                if level > 1:
                    body['requested'] = group.resources[class_id]
                plan.append((body, None, ('class', i, level), kind))
        for trait_id in sorted(traits.required, key=self.trait_names.get):
            plan.append(({'constraint': 'required_trait',
                          'trait': self.trait_names[trait_id]},
                         with_traits([trait_id]), ('any',), 'trait'))
        if traits.forbidden:
            plan.append(({'constraint': 'forbidden_traits',
                          'traits': sorted(self.trait_names[t]
                                           for t in traits.forbidden)},
                         without_traits, ('serving',), 'trait'))
        for trait_ids in traits.any_of:
            plan.append(({'constraint': 'any_of_traits',
                          'traits': sorted(self.trait_names[t]
                                           for t in trait_ids)},
                         with_traits(trait_ids), ('any',), 'trait'))
        for uuids, agg_ids in zip(self.names.aggregates.member_of,
                                  group.member_of):
            plan.append(({'constraint': 'member_of',
                          'aggregates': sorted(uuids)},
                         in_aggregates(agg_ids), ('any',), 'aggregate'))
        if self.names.aggregates.forbidden:
            plan.append(({'constraint': 'forbidden_aggregates',
                          'aggregates': sorted(
                              self.names.aggregates.forbidden)},
                         outside_aggregates if group.forbidden_aggs
                         else (lambda rp_id, root_id: sa.true()),
                         ('serving',), 'aggregate'))
        if self.names.in_tree is not None:
            plan.append(({'constraint': 'in_tree',
                          'resource_provider': self.names.in_tree},
                         in_tree, ('any',), 'tree'))
        self.plan = plan
        self.units = (self._tree_units() if self.trees
                      else self._provider_units())

    def _provider_units(self):
        """One row per provider: f<k> is 1 when it meets constraint k."""
        scoped = (None if self.max_root is None
                  else _providers_up_to(self.max_root))
        pivot = (_pivot(self.group, self.classes, scoped)
                 if self.classes else None)
        source = _rp
        per_class = []
        if pivot is not None:
            source = _rp.outerjoin(pivot, pivot.c.rp_id == _rp.c.id)
            per_class = self._provider_conditions(pivot)
        columns = [_rp.c.id.label('id'), _rp.c.uuid.label('uuid'),
                   _rp.c.name.label('name')]
        for k, (_body, cond, how, _kind) in enumerate(self.plan):
            if cond is None:
                _tag, i, level = how
                condition = per_class[i][level - 1]
            else:
                condition = cond(_rp.c.id, _rp.c.root_provider_id)
            columns.append(_flag(condition).label('f%d' % k))
        if pivot is not None:
            columns += [pivot.c['free%d' % i].label('free%d' % i)
                        for i in range(len(self.classes))]
        sel = sa.select(*columns).select_from(source)
        if self.max_root is not None:
            sel = sel.where(_rp.c.root_provider_id <= self.max_root)
        return sel

    def _tree_units(self):
        """One row per tree (root provider): f<k> is 1 when the tree meets
        constraint k, with the most free of each class on one provider of
        the tree. The inventory steps and the 'serving' steps are one
        GROUP BY root over the inventory rows of the requested classes
        (the best level per class, see _level); the 'any' steps are
        semi-joins on the roots."""
        group = self.group
        member = _rp.alias('member')
        row_rp = _inv.c.resource_provider_id
        row_root = member.c.root_provider_id
        serving = [cond for _b, cond, how, _k in self.plan
                   if how[0] == 'serving']
        root = _rp.alias('root')
        columns = [root.c.id.label('id'), root.c.uuid.label('uuid'),
                   root.c.name.label('name')]
        source = root
        levels = []
        agg = None
        if self.classes:
            scoped = (None if self.max_root is None
                      else _providers_up_to(self.max_root))
            rows, free = _inventory_rows(self.classes, scoped)
            per_root = [row_root.label('root_id')]
            for i, class_id in enumerate(self.classes):
                per_root += [
                    sa.func.max(_level(
                        class_id, group.resources[class_id], free,
                        [c(row_rp, row_root) for c in serving])
                    ).label('level%d' % i),
                    sa.func.max(sa.case((_inv.c.resource_class_id ==
                                         class_id, free))).label(
                                             'free%d' % i)]
            per_root_rows = (
                sa.select(*per_root)
                .select_from(rows.join(member, member.c.id == row_rp))
                .where(sql._in(_inv.c.resource_class_id, self.classes)))
            if self.max_root is not None:
                per_root_rows = per_root_rows.where(
                    row_root <= self.max_root)
            agg = per_root_rows.group_by(row_root).subquery('per_root')
            source = root.outerjoin(agg, agg.c.root_id == root.c.id)
            levels = [sa.func.coalesce(agg.c['level%d' % i], 0)
                      for i in range(len(self.classes))]
        served = 0
        for k, (_body, cond, how, _kind) in enumerate(self.plan):
            if how[0] == 'class':
                _tag, i, level = how
                flag = levels[i] >= level
            elif how[0] == 'serving' and levels:
                served += 1
                flag = sa.and_(*[lvl >= 3 + served for lvl in levels])
            else:
                # Some provider of the tree meets the condition(s).
                tree = _rp.alias('in_tree%d' % k)
                if how[0] == 'serving':
                    served += 1
                    conds = [c(tree.c.id, tree.c.root_provider_id)
                             for c in serving[:served]]
                else:
                    conds = [cond(tree.c.id, tree.c.root_provider_id)]
                flag = root.c.id.in_(sa.select(tree.c.root_provider_id)
                                     .where(*conds))
            columns.append(_flag(flag).label('f%d' % k))
        if agg is not None:
            columns += [agg.c['free%d' % i].label('free%d' % i)
                        for i in range(len(self.classes))]
        sel = (sa.select(*columns).select_from(source)
               .where(root.c.parent_provider_id.is_(None)))
        if self.max_root is not None:
            sel = sel.where(root.c.id <= self.max_root)
        return sel

    # -- the statement ---------------------------------------------------

    def _failed(self, units):
        """SQL: the index of the first constraint a unit fails, or the
        number of constraints when it meets them all."""
        if not self.plan:
            return sa.literal(0)
        return sa.case(*[(units.c['f%d' % k] == 0, k)
                         for k in range(len(self.plan))],
                       else_=len(self.plan))

    def _meets_the_rest(self, flags, i):
        """SQL: a unit meets every constraint not about class i's amount
        (all but its capacity and units steps)."""
        others = [flags.c['f%d' % k] == 1
                  for k, (_b, _c, how, kind) in enumerate(self.plan)
                  if not (how[0] == 'class' and how[1] == i and
                          kind != 'present')]
        return sa.and_(sa.true(), *others)

    def _fallbacks(self, i):
        """Smaller amounts of class i to count the units that would take
        them: halves of the request, down to a 128th."""
        requested = self.group.resources[self.classes[i]]
        return sorted({requested // 2 ** n for n in range(1, 8)
                       if requested // 2 ** n > 0}, reverse=True)

    def run(self, conn):
        """Count the units per constraint, find the closest ones and the
        smaller amounts that fit, in one statement over the units (one
        pass over the providers): UNION ALL of the counts per first
        failed constraint and of the closest units."""
        n_classes = len(self.classes)
        # The first failed constraint is computed once per unit, where the
        # CASE stops at it: later checks (subqueries on traits and
        # aggregates) run only for the units that got that far.
        flags = self.units.subquery('flags')
        failed_at = self._failed(flags)
        capacity_step = {how[1]: k for k, (_b, _c, how, kind)
                         in enumerate(self.plan) if kind == 'capacity'}
        # Only for the units that failed on class i's capacity (CASE
        # stops there for the others, sparing them the subqueries).
        rest = [sa.case((failed_at == capacity_step[i],
                         _flag(self._meets_the_rest(flags, i))),
                        else_=0).label('rest%d' % i)
                for i in range(n_classes)]
        units = sa.select(
            flags.c.id, flags.c.uuid, flags.c.name,
            failed_at.label('failed'),
            *[flags.c['free%d' % i] for i in range(n_classes)], *rest
        ).cte('units')
        failed = units.c.failed
        free = [units.c['free%d' % i] for i in range(n_classes)]
        fallbacks = [self._fallbacks(i) for i in range(n_classes)]
        # A smaller amount is counted only on the units that meet every
        # other constraint of the group: those it would really keep.
        no_text = sa.cast(sa.null(), sa.String(255))
        no_int = sa.cast(sa.null(), sa.Integer)
        counts = sa.select(
            sa.literal(0, sa.Integer).label('part'),
            failed.label('failed'), sa.func.count().label('n'),
            no_text.label('uuid'), no_text.label('name'),
            *[sa.func.max(f) for f in free],
            *[sa.func.sum(sa.case((sa.and_(
                free[i] >= _sql_amount(amount),
                units.c['rest%d' % i] == 1), 1), else_=0))
              for i in range(n_classes) for amount in fallbacks[i]]
        ).select_from(units).group_by(failed)
        shortfall = sa.literal(0)
        capacity_steps = [(k, how[1]) for k, (_b, _c, how, kind)
                          in enumerate(self.plan) if kind == 'capacity']
        if capacity_steps:
            shortfall = sa.case(*[
                (failed == k,
                 _sql_amount(self.group.resources[self.classes[i]]) -
                 sa.func.coalesce(free[i], 0))
                for k, i in capacity_steps], else_=0)
        closest = (
            sa.select(sa.literal(1, sa.Integer).label('part'),
                      failed.label('failed'), no_int.label('n'),
                      units.c.uuid, units.c.name, *free,
                      *[no_int for i in range(n_classes)
                        for _a in fallbacks[i]])
            .where(failed < len(self.plan))
            .order_by(failed.desc(), shortfall, units.c.uuid)
            .limit(CLOSEST).subquery('closest'))
        rows = conn.execute(sa.union_all(
            counts, sa.select(closest))).all()
        self._count([r for r in rows if r[0] == 0], fallbacks)
        self.closest = self._closest([r for r in rows if r[0] == 1])

    def _count(self, rows, fallbacks):
        n_classes = len(self.classes)
        by_step = {row[1]: row for row in rows}
        self.total = sum(row[2] for row in rows)
        # The most free of each class on one provider of any unit.
        self.most_free = [max([int(row[5 + i] or 0) for row in rows],
                              default=0) for i in range(n_classes)]
        kept = self.total
        self.steps = []
        self.suggestion = None
        for k, (body, _cond, how, kind) in enumerate(self.plan):
            row = by_step.get(k)
            eliminated = row[2] if row else 0
            kept -= eliminated
            entry = dict(body, kept=kept, eliminated=eliminated)
            if kind == 'capacity' and eliminated:
                i = how[1]
                most_free = max(int(row[5 + i] or 0), 0)
                entry['shortfall'] = body['requested'] - most_free
            self.steps.append(entry)
            if kept == 0 and eliminated and self.suggestion is None:
                # The step that emptied the group: what change to it
                # would keep some units.
                if kind == 'capacity':
                    i = how[1]
                    offset = 5 + n_classes + sum(
                        len(f) for f in fallbacks[:i])
                    fits = [int(v or 0) for v in
                            row[offset:offset + len(fallbacks[i])]]
                    self.suggestion = self._capacity_suggestion(
                        i, fallbacks[i], fits, max(int(row[5 + i] or 0), 0))
                else:
                    self.suggestion = '%s: without %s, %d %s would pass it' % (
                        self._group_label(), _describe(body), eliminated,
                        self._units(eliminated))
        self.left = kept

    def _closest(self, rows):
        """The units that met the most constraints without meeting all,
        with the constraint each failed and by how much."""
        found = []
        for row in rows:
            step, uuid, name = row[1], row[3], row[4]
            body, _c, how, kind = self.plan[step]
            excluded = dict(body)
            if kind == 'capacity':
                i = how[1]
                free = max(int(row[5 + i] or 0), 0)
                excluded.update(free=free,
                                short_by=body['requested'] - free)
            found.append({'resource_provider': uuid, 'name': name,
                          'unit': self.unit[:-1], 'group': self.group.suffix,
                          'met': step, 'excluded_by': excluded})
        return found

    def _capacity_suggestion(self, i, amounts, fits, most):
        label = self._group_label()
        requested = self.group.resources[self.classes[i]]
        name = self.class_names[self.classes[i]]
        for amount, count in zip(amounts, fits):
            if count:
                return ('%s: %s:%d fits %d %s that %s every other '
                        'constraint of the group, %d fits none' % (
                            label, name, amount, count, self._units(count),
                            'meets' if count == 1 else 'meet', requested))
        if most > 0:
            return ('%s: no %s that meets the other constraints takes '
                    '%s:%d or even %d; the most free on one %s is %d' % (
                        label, self.unit[:-1], name, requested,
                        amounts[-1] if amounts else requested,
                        self.unit[:-1], most))
        return '%s: no %s has any %s free' % (label, self.unit[:-1], name)

    def _units(self, n):
        return self.unit if n != 1 else self.unit[:-1]

    def _group_label(self):
        suffix = self.group.suffix
        return 'group %s' % suffix if suffix else 'unsuffixed group'


def _describe(body):
    kind = body['constraint']
    if kind == 'required_trait':
        return 'required trait %s' % body['trait']
    if kind in ('forbidden_traits', 'any_of_traits'):
        return '%s %s' % (kind.replace('_', ' '), ','.join(body['traits']))
    if kind in ('member_of', 'forbidden_aggregates'):
        return '%s %s' % (kind, ','.join(body['aggregates']))
    if kind == 'in_tree':
        return 'in_tree %s' % body['resource_provider']
    if kind == 'resource_class':
        return 'resource class %s' % body['resource_class']
    return '%s of %s:%s' % (kind, body['resource_class'], body['requested'])


def _worth_searching(search, funnels):
    """Whether the candidate search can find anything the funnels did not
    rule out, and the sharing providers (ids) when that took reading them.
    A suffixed group whose funnel kept no provider rules out everything; an
    unsuffixed group that kept no tree may still take a class from a
    sharing provider (the funnels count trees without them): only the few
    sharing providers are read to know."""
    empty = [f for f in funnels if not f.left]
    if not empty:
        return True, None
    if any(f.group.single for f in empty) or search.sharing_trait is None:
        return False, None
    (funnel,) = empty
    group = funnel.group
    traits_of, _aggs = sql.memberships(search.conn, {search.sharing_trait},
                                       set())
    sharing = set(traits_of)
    if not sharing:
        return False, sharing
    shared = set()
    for row in sql.capacity_rows(search.conn, [group],
                                 provider_ids=sharing):
        _rp_id, _root, class_id, capacity, used, min_unit, max_unit, \
            step_size = row
        inventory = (int(capacity) - int(used), max_unit, min_unit,
                     step_size)
        if candidates._fits(inventory, group.resources[class_id]):
            shared.add(class_id)
    if not shared:
        return False, sharing
    # Each class comes whole from one provider: a class that no sharing
    # provider can serve and that no provider of any tree has room for
    # leaves nothing to search.
    for i, class_id in enumerate(funnel.classes):
        if (class_id not in shared and
                funnel.most_free[i] < group.resources[class_id]):
            return False, sharing
    return True, sharing


def _request_steps(search, funnels, bound, first_chunk_only=False):
    """The request-level funnel, run by the candidate search itself: trees
    counted at each constraint that only combinations can check, and the
    candidates returned. A bounded search reads trees in the same growing
    chunks as the candidate query and stops where it would."""
    query = search.query
    search.plan()
    steps = []
    totals = {'trees': 0, 'root_required': 0, 'same_subtree': 0,
              'group_policy': 0, 'combined': 0, 'sharing': 0,
              'not_examined': 0}
    count = 0
    examined = 0
    worth, sharing = _worth_searching(search, funnels)
    if worth:
        search.load_common(whole=False)
        sharing = search.sharing
        first_chunk = None
        if bound:
            first_chunk = min(max(candidates._FIRST_CHUNK, 2 * bound),
                              candidates._MAX_CHUNK)
        root_traits = search.root_traits
        for roots in search.chunks(first_chunk):
            search.load_trees(roots)
            search.root_traits = request_group.TraitFilter()
            try:
                per_group, anchors = search.options(roots)
            finally:
                search.root_traits = root_traits
            examined += len(roots) if roots is not None else 0
            count = _combine(search, per_group, anchors, bound, count,
                             totals)
            if first_chunk_only or (bound is not None and count >= bound):
                break
    else:
        examined = None
    steps.append({'constraint': 'every_group_in_one_tree',
                  'groups': [g.suffix for g in search.groups],
                  'kept': totals['trees']})
    if sharing:
        # Not a filter: the trees above that some group can only use
        # through a sharing provider of another tree.
        steps.append({'constraint': 'sharing', 'providers': len(sharing),
                      'trees_served_only_with_sharing': totals['sharing']})
    kept = totals['trees']
    if search.root_traits:
        kept -= totals['root_required']
        steps.append({'constraint': 'root_required', 'kept': kept,
                      'eliminated': totals['root_required']})
    if query.same_subtrees:
        kept -= totals['same_subtree']
        steps.append({'constraint': 'same_subtree',
                      'groups': [sorted(s) for s in query.same_subtrees],
                      'kept': kept, 'eliminated': totals['same_subtree']})
    if search.isolate:
        kept -= totals['group_policy']
        steps.append({'constraint': 'group_policy', 'policy': 'isolate',
                      'kept': kept, 'eliminated': totals['group_policy']})
    # What only a whole candidate can check: the amounts of several
    # groups on one provider, and the unsuffixed group's traits over the
    # providers it actually uses (the funnel took the whole tree's).
    steps.append({'constraint': 'combination',
                  'kept': totals['combined'],
                  'eliminated': (kept - totals['combined'] -
                                 totals['not_examined'])})
    returned = count if bound is None else min(count, bound)
    limit_step = {'constraint': 'limit', 'limit': query.limit,
                  'candidates': returned}
    if totals['not_examined']:
        # Trees every group can use that the search did not get to.
        limit_step['trees_not_examined'] = totals['not_examined']
    steps.append(limit_step)
    scope = {}
    if sharing is not None:
        scope['sharing_providers'] = len(sharing)
    if examined is None:
        scope['trees_examined'] = 0
        scope['note'] = ('not searched: a request group keeps nothing '
                         'and no sharing provider can make up for it')
    elif bound is not None and count >= bound:
        scope['trees_examined'] = examined
        scope['note'] = ('the search stopped at the limit, like the '
                         'candidate query: tree counts cover the trees '
                         'examined')
    return steps, returned, scope


def _needs_sharing(search, per_group, anchor):
    """Whether a group (or, for the unsuffixed group, a class) of the tree
    ``anchor`` has only sharing providers of other trees to take from."""
    root_of = search.root_of
    sharing = search.sharing

    def foreign(rp_ids):
        return all(rp in sharing and root_of.get(rp) != anchor
                   for rp in rp_ids)

    for group in search.resourceful:
        options = per_group[group.suffix].get(anchor)
        if options is None:
            continue
        if group.single:
            if foreign(options):
                return True
        elif any(foreign(rps) for rps in options.values()):
            return True
    return False


def _combine(search, per_group, anchors, bound, count, totals):
    """Add the trees ``anchors`` (which every group can use) to the
    request-level ``totals``; returns the candidates counted so far. A tree
    that fails is tried again without isolate, then without same_subtree,
    to name the check that ruled it out."""
    totals['trees'] += len(anchors)
    if search.sharing:
        totals['sharing'] += sum(1 for anchor in anchors
                                 if _needs_sharing(search, per_group, anchor))
    root_traits = search.root_traits
    if root_traits:
        traits_of = search.traits_of
        kept = [a for a in anchors if root_traits.satisfied_by(
            traits_of.get(a, set()))]
        totals['root_required'] += len(anchors) - len(kept)
        anchors = kept
    # Resourceless groups narrow the trees like the candidate search does.
    for group in search.groups:
        if not group.resources:
            options = search._resourceless_options(group, set(anchors))
            per_group[group.suffix] = options
            anchors = [a for a in anchors if a in options]
    failed = []
    for index, anchor in enumerate(anchors):
        stream = search.tree_candidates(anchor, per_group)
        if next(stream, None) is None:
            failed.append(anchor)
            continue
        totals['combined'] += 1
        count += 1
        if bound is None or count < bound:
            for _candidate in itertools.islice(
                    stream, None if bound is None else bound - count):
                count += 1
        if bound is not None and count >= bound:
            # The candidate query stops here too: the trees after this
            # one are neither kept nor eliminated.
            totals['not_examined'] += len(anchors) - index - 1
            break
    isolate, checks_at = search.isolate, search.checks_at
    try:
        if isolate and failed:
            search.isolate = False
            rest = []
            for anchor in failed:
                if next(search.tree_candidates(anchor, per_group), None):
                    totals['group_policy'] += 1
                else:
                    rest.append(anchor)
            failed = rest
        if checks_at and failed:
            search.checks_at = {}
            for anchor in failed:
                if next(search.tree_candidates(anchor, per_group), None):
                    totals['same_subtree'] += 1
    finally:
        search.isolate, search.checks_at = isolate, checks_at
    return count


def _scoped(conn, query, trait_names, bound, max_root=None):
    """(body, search scope, candidates) of ``query`` with the group
    funnels counting the trees whose root id is at most ``max_root``
    (None: all) and the request half searching those trees only when
    ``max_root`` is given."""
    search = candidates._Search(conn, query)
    possible = search.resolve()
    body = {'candidates': 0, 'groups': [], 'request': [], 'closest': [],
            'suggestions': []}
    funnels = []
    for resolved, named in zip(search.groups, query.groups):
        funnel = _Funnel(resolved, named, search.class_names, trait_names,
                         max_root=max_root)
        funnel.run(conn)
        funnels.append(funnel)
        body['groups'].append({'suffix': resolved.suffix,
                               'counts': funnel.unit,
                               'total': funnel.total,
                               'constraints': funnel.steps,
                               'left': funnel.left})
    if possible:
        steps, returned, scope = _request_steps(
            search, funnels, bound, first_chunk_only=max_root is not None)
        body['request'] = steps
        body['candidates'] = returned
        body['search'] = scope
    closest = [c for funnel in funnels for c in funnel.closest]
    closest.sort(key=lambda c: (-c['met'],
                                c['excluded_by'].get('short_by', 0)))
    body['closest'] = closest[:CLOSEST]
    if not body['candidates']:
        body['suggestions'] = [f.suggestion for f in funnels
                               if f.suggestion]
        if not body['suggestions'] and body['request']:
            body['suggestions'] = _request_suggestions(body['request'])
    return body


@db_api.reader
def explain(ctx, conn, query):
    """The explanation of ``query`` (a request_group.CandidateQuery), as
    the JSON body of GET /allocation_candidates/explain.

    A bounded query is explained as the candidate query runs it: when its
    first chunk of trees (in root id order) yields the limit, the search
    stops there, and so do the group counts (the body says so); otherwise
    every tree is counted."""
    conf = ctx.config.placement
    trait_names = {}
    names = set(query.root_traits.names())
    for group in query.groups:
        names |= group.traits.names()
    if names:
        trait_names = {tid: name for name, tid in
                       sql.trait_ids(conn, names).items()}
    bound = query.limit
    if conf.max_allocation_candidates > 0:
        bound = min(bound or conf.max_allocation_candidates,
                    conf.max_allocation_candidates)
    if bound:
        bound = min(bound, sys.maxsize)
    if bound and not conf.randomize_allocation_candidates:
        size = min(max(candidates._FIRST_CHUNK, 2 * bound),
                   candidates._MAX_CHUNK)
        chunk = sql.roots_after(conn, None, size)
        if len(chunk) == size:  # more trees than one chunk
            body = _scoped(conn, query, trait_names, bound,
                           max_root=chunk[-1])
            if body['candidates'] >= bound:
                body['search']['note'] = (
                    'the search stopped at the limit, like the candidate '
                    'query: it examined the first %d trees (by root id), '
                    'and the group and tree counts cover those trees'
                    % len(chunk))
                return body
    return _scoped(conn, query, trait_names, bound)


def _request_suggestions(steps):
    previous = None
    for step in steps:
        if 'kept' not in step:  # the sharing note
            continue
        if step['kept'] == 0 and previous:
            if step['constraint'] == 'every_group_in_one_tree':
                return ['no tree can serve every group at once: each group '
                        'has providers, but never in the same tree']
            if step['constraint'] == 'combination':
                return ['%d trees can serve each group on its own but not '
                        'all of them together (the same providers would '
                        'need more than they have, or the unsuffixed '
                        "group's traits are not on the providers it uses)"
                        % previous]
            return ['without %s, %d trees would pass it' % (
                step['constraint'], previous)]
        previous = step.get('kept')
    return []
