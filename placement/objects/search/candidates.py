"""Allocation candidates: narrow in SQL, combine in Python.

See doc/candidate-search.rst for the design. In short:

1. A fixed handful of set-based queries (sql.py) returns every inventory
   row that can take an amount asked of its class, plus the requested
   trait and aggregate memberships and the anchors of sharing providers.
2. Each request group becomes, per tree ("anchor" root), the providers
   that can serve it: one provider for a suffixed group, one provider per
   class for the unsuffixed group (which may spread over the tree and its
   sharing providers). Trees missing a group are dropped here, before any
   combination is built.
3. A generator walks the surviving trees one at a time and, inside a
   tree, assigns providers slot by slot with backtracking, pruning on the
   summed capacity and max_unit, group_policy=isolate, traits of the
   unsuffixed group and same_subtree as soon as they can be decided. The
   caller stops it at the limit, so a limit bounds the work.
4. Provider summaries are read only for the trees of the returned
   candidates.
"""
import collections
import dataclasses
import itertools
import random
import sys

from placement.db import api as db_api
from placement.objects import resource_class
from placement.objects.search import sql
from placement import request_group


@dataclasses.dataclass
class Candidate:
    """One allocation request: {provider id: {class id: amount}} and
    {suffix: [provider ids]}."""
    allocations: dict
    mappings: dict


@dataclasses.dataclass
class Summary:
    uuid: str
    parent_uuid: str | None
    root_uuid: str
    resources: dict  # class name -> {'capacity': int, 'used': int}
    traits: list


@dataclasses.dataclass
class Result:
    candidates: list
    # provider id -> Summary, for every provider in the summaries.
    summaries: dict
    # class id -> name, for the classes of the candidates.
    class_names: dict = dataclasses.field(default_factory=dict)


_NO_IDS = frozenset()
# Trees read by the first chunk of a bounded search, and at most by any.
_FIRST_CHUNK = 256
_MAX_CHUNK = 2 ** 31 - 1
# Beyond this many ids, read every row rather than send the list.
_IN_LIMIT = 500
# Beyond this many known (provider, class) rows, summaries read them again
# rather than name them: PostgreSQL took 15 ms to plan a statement naming
# 3,000 (ac_sharing at 10,000 providers), longer than reading them.
_KNOWN_ROWS_LIMIT = 1000


def _fits(inventory, amount):
    """Whether an inventory tuple (free, max_unit, min_unit, step_size)
    can take ``amount``."""
    free, max_unit, min_unit, step_size = inventory[:4]
    return (min_unit <= amount <= max_unit and amount % step_size == 0 and
            amount <= free)


class _Group:
    """A request group with names resolved to database ids."""

    def __init__(self, group, class_ids, trait_ids, agg_ids, tree_roots):
        self.suffix = group.suffix
        self.single = group.use_same_provider
        self.resources = {class_ids[name]: amount
                          for name, amount in group.resources.items()}
        traits = group.traits
        self.traits = request_group.TraitFilter(
            required={trait_ids[n] for n in traits.required},
            any_of=[{trait_ids[n] for n in names}
                    for names in traits.any_of],
            forbidden={trait_ids[n] for n in traits.forbidden})
        # An unknown aggregate matches nothing: a member_of set of only
        # unknown aggregates makes the group (and the request) empty.
        self.member_of = [{agg_ids[u] for u in uuids if u in agg_ids}
                          for uuids in group.aggregates.member_of]
        self.forbidden_aggs = {agg_ids[u] for u in
                               group.aggregates.forbidden if u in agg_ids}
        self.tree_root = (tree_roots.get(group.in_tree)
                          if group.in_tree else None)
        # The unsuffixed group's trait sets, each with the sharing
        # providers that hold one of its traits (see
        # _Search._narrow_to_trees_with_traits), and the sharing providers,
        # whose own rows that test does not apply to.
        self.tree_traits = []
        self.sharing_ids = _NO_IDS
        self.impossible = (any(not s for s in self.member_of) or
                           (group.in_tree is not None and
                            self.tree_root is None) or
                           # As upstream reads a resourceless group: only
                           # what it requires (traits, aggregates) selects
                           # providers; forbidding alone selects none.
                           (not self.resources and not self.member_of and
                            not (self.traits.required or
                                 self.traits.any_of)))


class _Search:
    """The state of one candidate search."""

    def __init__(self, conn, query):
        self.conn = conn
        self.query = query
        self.groups = []
        self.root_of = {}
        self.inventory = {}
        self.traits_of = {}
        self.aggs_of = {}
        self.sharing = set()
        self.anchors_of = {}
        # {aggregate id: [sharing providers with a requested class]}
        self.sharing_aggregates = {}
        self.parent_of = {}
        self.members = []
        self.lineage = {}
        self.randomize = False
        # Trees with a row of a requested class, when the search read
        # every tree.
        self.root_count = None

    # -- loading -----------------------------------------------------------

    def resolve(self):
        """Names to ids; False when the request cannot match anything."""
        query = self.query
        class_ids = resource_class.ids_for_names(
            self.conn, sorted(query.requested_classes()))
        names = set(query.root_traits.names())
        agg_uuids = set()
        in_trees = set()
        for group in query.groups:
            names |= group.traits.names()
            agg_uuids |= group.aggregates.uuids()
            if group.in_tree:
                in_trees.add(group.in_tree)
        trait_ids, agg_ids = sql.trait_and_aggregate_ids(
            self.conn, names, agg_uuids, with_sharing=True)
        self.sharing_trait = trait_ids.get(sql.SHARING_TRAIT)
        tree_roots = sql.root_ids(self.conn, in_trees)
        self.groups = [_Group(g, class_ids, trait_ids, agg_ids, tree_roots)
                       for g in query.groups]
        self.class_names = {cid: name for name, cid in class_ids.items()}
        root_traits = query.root_traits
        self.root_traits = request_group.TraitFilter(
            required={trait_ids[n] for n in root_traits.required},
            forbidden={trait_ids[n] for n in root_traits.forbidden})
        self.trait_ids = {trait_ids[n] for n in names}
        self.agg_ids = set(agg_ids.values())
        return not any(g.impossible for g in self.groups)

    def load_common(self, whole):
        """What every tree needs: trait and aggregate memberships, and the
        sharing providers with their rows and anchors. When the search
        reads every tree in one query (``whole``) and that query serves
        every group, the sharing rows come with it instead."""
        wanted_traits = set(self.trait_ids)
        if self.sharing_trait is not None:
            wanted_traits.add(self.sharing_trait)
        self.traits_of, self.aggs_of = sql.memberships(
            self.conn, wanted_traits, self.agg_ids)
        if self.sharing_trait is not None:
            self.sharing = {rp for rp, ids in self.traits_of.items()
                            if self.sharing_trait in ids}
        self.resourceful = [g for g in self.groups if g.resources]
        self._narrow_to_trees_with_traits()
        # Whether SQL reads only some trees of the cloud (a group's
        # filter), decided once for the loading and the summaries.
        self.narrowed = any(sql.group_is_filtered(g)
                            for g in self.resourceful)
        self.sharing_by_class = collections.defaultdict(list)
        # Tree structure is read only for the checks that need it.
        self.need_members = bool(self.query.same_subtrees or any(
            not g.resources for g in self.groups))
        # Suffixed groups that SQL can narrow (traits, aggregates, tree)
        # are read first: the trees they leave limit what the others read.
        self.first = [g for g in self.resourceful
                      if g.single and sql.group_is_filtered(g)]
        self.rest = [g for g in self.resourceful if g not in self.first]
        if not (self.first and self.rest):
            self.first = []
        self.sharing_later = whole and not self.first
        if self.sharing:
            if self.need_members:
                for rp_id, parent_id, root_id in sql.providers(
                        self.conn, self.sharing):
                    self.root_of[rp_id] = root_id
                    self.parent_of[rp_id] = parent_id
            if not self.sharing_later:
                rows = sql.capacity_rows(self.conn, self.resourceful,
                                         provider_ids=self.sharing)
                self._add_sharing_rows(rows)

    def _narrow_to_trees_with_traits(self):
        """The unsuffixed group gathers its traits over the providers it
        uses, in its tree and sharing providers. A trait (or any-of set)
        must then be in the tree or on a sharing provider that serves the
        tree: SQL reads only those trees (the search checks the rest)."""
        sharing_ids = frozenset(self.sharing)
        for group in self.resourceful:
            if group.single:
                continue
            sets = [{t} for t in sorted(group.traits.required)]
            sets += [set(s) for s in group.traits.any_of]
            group.tree_traits = [
                (trait_ids, frozenset(
                    rp_id for rp_id in sharing_ids
                    if self.traits_of.get(rp_id, _NO_IDS) & trait_ids))
                for trait_ids in sets]
            group.sharing_ids = sharing_ids

    def _add_sharing_rows(self, rows):
        self._add_rows(rows, self.sharing_by_class)
        self.sharing_aggregates = sql.aggregates_of(
            self.conn, {row[0] for row in rows})

    def _add_rows(self, rows, by_class):
        inventory = self.inventory
        root_of = self.root_of
        for rp_id, root_id, class_id, capacity, used, min_unit, max_unit, \
                step_size in rows:
            root_of[rp_id] = root_id
            # int(): MySQL sums are Decimals.
            capacity = int(capacity)
            used = int(used)
            inventory[rp_id, class_id] = (capacity - used, max_unit,
                                          min_unit, step_size, capacity,
                                          used)
            by_class[class_id].append(rp_id)

    def load_trees(self, roots):
        """Read the trees ``roots`` (every tree when None; else a list of
        consecutive root ids): their members and the inventory rows that
        can serve a group."""
        root_range = None if roots is None else (roots[0], roots[-1])
        # The range of the chunk's provider ids, for the statements to
        # be planned from the chunk (see sql.capacity_rows).
        id_range = None
        if self.need_members or root_range is not None:
            members = sql.tree_members(self.conn, root_range=root_range)
            if root_range is not None and members:
                ids = [row[0] for row in members]
                id_range = (min(ids), max(ids))
            root_of = self.root_of
            parent_of = self.parent_of
            for rp_id, parent_id, root_id in members:
                root_of[rp_id] = root_id
                parent_of[rp_id] = parent_id
            self.members = members
        self.by_class = collections.defaultdict(list)
        first, rest = self.first, self.rest
        seen_roots = set()
        if self.sharing_later:
            rows = sql.capacity_rows(self.conn, self.resourceful)
            if self.sharing:
                self._add_sharing_rows([row for row in rows
                                        if row[0] in self.sharing])
        for class_id, rps in self.sharing_by_class.items():
            self.by_class[class_id].extend(rps)
        if self.sharing_aggregates:
            self.anchors_of = sql.sharing_anchors(
                self.conn, self.sharing_aggregates, root_range, id_range)
        if self.sharing_later:
            self._add_tree_rows(rows, seen_roots)
        elif first:
            rows = sql.capacity_rows(self.conn, first, root_range=root_range,
                                     id_range=id_range)
            self._add_tree_rows(rows, seen_roots)
            anchors = None
            for group in first:
                found = set(self._single_options(group))
                anchors = found if anchors is None else anchors & found
            if roots is not None:
                anchors &= set(roots)
            if anchors:
                rows = sql.capacity_rows(self.conn, rest, roots=anchors)
                self._add_tree_rows(rows, seen_roots)
        else:
            rows = sql.capacity_rows(self.conn, self.resourceful,
                                     root_range=root_range, id_range=id_range)
            self._add_tree_rows(rows, seen_roots)
        if roots is None and not self.narrowed:
            # Every tree with a requested class: the size of the cloud as
            # far as the summaries' choice of statement goes. When SQL
            # narrowed the trees it would be the size of the answer.
            self.root_count = len(seen_roots)

    def _add_tree_rows(self, rows, seen_roots):
        """Index the rows of non-sharing providers (sharing providers' rows
        were read first); a row read twice counts once."""
        sharing = self.sharing
        inventory = self.inventory
        rows = [row for row in rows if row[0] not in sharing and
                (row[0], row[2]) not in inventory]
        seen_roots.update(row[1] for row in rows)
        self._add_rows(rows, self.by_class)

    # -- per group ---------------------------------------------------------

    def _in_aggregates(self, group, rp_id):
        no_aggs = set()
        mine = self.aggs_of.get(rp_id, no_aggs)
        if group.single:
            # A suffixed group's provider is itself in the aggregates.
            roots = mine
        else:
            # For the unsuffixed group the provider or its root (whose
            # aggregates span the tree) is.
            roots = self.aggs_of.get(self.root_of.get(rp_id, rp_id),
                                     no_aggs)
        if group.forbidden_aggs and (group.forbidden_aggs & mine or
                                     group.forbidden_aggs & roots):
            return False
        if group.member_of:
            return (all(s & mine for s in group.member_of) or
                    all(s & roots for s in group.member_of))
        return True

    def _filtered(self, group):
        """Whether the provider filters of ``group`` must be checked here:
        the capacity query applied them exactly, unless another group
        reads the same classes (whose rows then come unfiltered) or the
        unsuffixed group ANDs several member_of sets (which SQL checks
        one set at a time)."""
        if not (group.tree_root is not None or group.member_of or
                group.forbidden_aggs or group.traits):
            return False
        return (not self._sole_reader(group) or
                (not group.single and len(group.member_of) > 1))

    def _sole_reader(self, group):
        return not any(set(group.resources) & set(other.resources)
                       for other in self.resourceful if other is not group)

    def _usable(self, group, rp_id):
        if (group.tree_root is not None and
                self.root_of[rp_id] != group.tree_root):
            return False
        return self._in_aggregates(group, rp_id)

    def _anchors(self, group, rp_id):
        anchors = {self.root_of[rp_id]}
        if rp_id in self.sharing and (group.single or
                                      group.tree_root is None):
            anchors |= self.anchors_of.get(rp_id, set())
        return anchors

    def _single_options(self, group):
        """{anchor: [provider ids]} of a suffixed group with resources."""
        no_traits = set()
        by_class = self.by_class
        classes = sorted(group.resources, key=lambda c: len(
            by_class.get(c, ())))
        inventory = self.inventory
        by_anchor = collections.defaultdict(list)
        filtered = self._filtered(group)
        sharing = self.sharing
        root_of = self.root_of
        for rp_id in by_class.get(classes[0], ()):
            if not all((rp_id, c) in inventory and
                       _fits(inventory[rp_id, c], group.resources[c])
                       for c in classes):
                continue
            if filtered and not (
                    self._usable(group, rp_id) and
                    group.traits.satisfied_by(
                        self.traits_of.get(rp_id, no_traits))):
                continue
            if rp_id in sharing:
                for anchor in self._anchors(group, rp_id):
                    by_anchor[anchor].append(rp_id)
            else:
                by_anchor[root_of[rp_id]].append(rp_id)
        return by_anchor

    def _spread_options(self, group):
        """{anchor: {class id: [provider ids]}} of the unsuffixed group,
        keeping only anchors that can serve every class."""
        filtered = self._filtered(group)
        forbidden = filtered and group.traits.forbidden
        traits_of = self.traits_of
        inventory = self.inventory
        root_of = self.root_of
        sharing = self.sharing
        by_anchor = collections.defaultdict(dict)
        for class_id, amount in group.resources.items():
            for rp_id in self.by_class.get(class_id, ()):
                if not _fits(inventory[rp_id, class_id], amount):
                    continue
                if filtered and not self._usable(group, rp_id):
                    continue
                if forbidden and forbidden & traits_of.get(rp_id, _NO_IDS):
                    continue
                if rp_id in sharing:
                    anchors = self._anchors(group, rp_id)
                else:
                    anchors = (root_of[rp_id],)
                for anchor in anchors:
                    options = by_anchor[anchor]
                    found = options.get(class_id)
                    if found is None:
                        options[class_id] = [rp_id]
                    else:
                        found.append(rp_id)
        wanted = len(group.resources)
        return {anchor: options for anchor, options in by_anchor.items()
                if len(options) == wanted}

    def _resourceless_options(self, group, anchors):
        no_traits = set()
        by_anchor = collections.defaultdict(list)
        for rp_id, _parent, root_id in self.members:
            if root_id not in anchors:
                continue
            if not self._usable(group, rp_id):
                continue
            if group.traits.satisfied_by(self.traits_of.get(rp_id,
                                                            no_traits)):
                by_anchor[root_id].append(rp_id)
        return by_anchor

    # -- combining ---------------------------------------------------------

    def options(self, roots):
        """Per group, its options per anchor; and the anchors among
        ``roots`` (every root when None) that every group can use, in
        search order."""
        per_group = {}
        anchors = None
        for group in self.resourceful:
            if group.single:
                options = self._single_options(group)
            else:
                options = self._spread_options(group)
            per_group[group.suffix] = options
            anchors = (set(options) if anchors is None
                       else anchors & set(options))
            if not anchors:
                return per_group, []
        if roots is not None:
            anchors &= set(roots)
        if self.root_traits:
            traits = self.traits_of
            anchors = {a for a in anchors if self.root_traits.satisfied_by(
                traits.get(a, set()))}
        for group in self.groups:
            if not group.resources:
                options = self._resourceless_options(group, anchors)
                per_group[group.suffix] = options
                anchors &= set(options)
        return per_group, sorted(anchors)

    def _lineage(self, rp_id):
        """The provider and its ancestors (cached)."""
        found = self.lineage.get(rp_id)
        if found is None:
            found = set()
            node = rp_id
            while node is not None:
                found.add(node)
                node = self.parent_of.get(node)
            self.lineage[rp_id] = found
        return found

    def _same_subtree(self, providers):
        """Whether one of ``providers`` is an ancestor of (or is) all."""
        common = None
        for rp_id in providers:
            lineage = self._lineage(rp_id)
            common = set(lineage) if common is None else common & lineage
        return bool(common & providers)

    def plan(self):
        """The slots every tree fills, in order, and the checks due after
        each slot; the same for every tree of the request."""
        slots = []  # (group, ((class id, amount), ...))
        for group in self.groups:
            if not group.single:
                for class_id in sorted(group.resources):
                    slots.append((group, ((class_id,
                                           group.resources[class_id]),)))
        self.spread_end = len(slots)
        self.spread = next((g for g in self.groups if not g.single), None)
        for group in self.groups:
            if group.single:
                slots.append((group, tuple(sorted(group.resources.items()))))
        self.slots = slots
        # With a single group: its amounts in slot order.
        self.sole_amounts = (
            tuple(a for _group, amounts in slots for a in amounts)
            if len(self.groups) == 1 else ())
        self.trivial = (len(slots) == self.spread_end and
                        not (self.spread and self.spread.traits))
        self.isolate = (self.query.group_policy == 'isolate' and
                        sum(1 for g in self.groups if g.single) > 1)
        slot_of_suffix = {group.suffix: index
                          for index, (group, _a) in enumerate(slots)
                          if group.single}
        # same_subtree sets, checked as soon as their last group is set.
        self.checks_at = collections.defaultdict(list)
        for suffixes in self.query.same_subtrees:
            indexes = [slot_of_suffix[s] for s in suffixes]
            self.checks_at[max(indexes)].append(indexes)

    def _slot_options(self, anchor, per_group):
        options = []
        for group, amounts in self.slots:
            if group.single:
                options.append(per_group[group.suffix][anchor])
            else:
                options.append(per_group[group.suffix][anchor][
                    amounts[0][0]])
        return options

    def _fits(self, used, rp_id, amounts):
        """Whether ``amounts`` still fit on ``rp_id`` given ``used``, the
        amounts already placed in this candidate."""
        inventory = self.inventory
        for class_id, amount in amounts:
            total = used.get((rp_id, class_id), 0) + amount
            free, max_unit = inventory[rp_id, class_id][:2]
            if total > free or total > max_unit:
                return False
        return True

    def _spread_traits_ok(self, chosen):
        union = set()
        traits_of = self.traits_of
        for rp_id in chosen[:self.spread_end]:
            union |= traits_of.get(rp_id, _NO_IDS)
        return self.spread.traits.satisfied_by(union)

    def _subtrees_ok(self, chosen, index):
        return all(self._same_subtree({chosen[i] for i in indexes})
                   for indexes in self.checks_at.get(index, ()))

    def tree_candidates(self, anchor, per_group):
        """An iterator over the candidates of one anchor tree, pruning
        partial assignments that already break a constraint. A tree with
        one option per slot (most trees) is decided here, without a
        generator."""
        options = self._slot_options(anchor, per_group)
        if all(len(o) == 1 for o in options):
            candidate = self._only_candidate([o[0] for o in options])
            return iter(() if candidate is None else (candidate,))
        return self._search_tree(options)

    def _only_candidate(self, chosen):
        """The candidate of a tree with one option per slot, or None."""
        if self.trivial:
            # Only the unsuffixed group, without traits: each (provider,
            # class) is used once and its amount was checked already.
            return self._build(chosen)
        used = {}
        isolated = set()
        spread_traits = self.spread is not None and self.spread.traits
        for index, (rp_id, (group, amounts)) in enumerate(
                zip(chosen, self.slots)):
            if not self._fits(used, rp_id, amounts):
                return None
            for class_id, amount in amounts:
                used[rp_id, class_id] = used.get((rp_id, class_id),
                                                 0) + amount
            if self.isolate and group.single:
                if rp_id in isolated:
                    return None
                isolated.add(rp_id)
            if (index + 1 == self.spread_end and spread_traits and
                    not self._spread_traits_ok(chosen)):
                return None
            if index in self.checks_at and not self._subtrees_ok(chosen,
                                                                 index):
                return None
        return self._build(chosen)

    def _search_tree(self, options):
        """Depth-first assignment of providers to slots with pruning."""
        if self.slots:
            yield from self._assign(options, 0, [None] * len(self.slots),
                                    {}, set())

    def _assign(self, options, index, chosen, used, isolated):
        """Candidates completing ``chosen`` from slot ``index`` on, given
        the amounts ``used`` by slots before it and the providers of
        ``isolated`` groups. A method rather than a recursive closure: the
        closure would be a reference cycle keeping the whole search alive
        until the cyclic collector runs."""
        group, amounts = self.slots[index]
        isolating = self.isolate and group.single
        spread_check = (index + 1 == self.spread_end and
                        self.spread is not None and self.spread.traits)
        subtree_check = index in self.checks_at
        last = index == len(self.slots) - 1
        for rp_id in options[index]:
            if isolating and rp_id in isolated:
                continue
            if not self._fits(used, rp_id, amounts):
                continue
            chosen[index] = rp_id
            if spread_check and not self._spread_traits_ok(chosen):
                continue
            if subtree_check and not self._subtrees_ok(chosen, index):
                continue
            if last:
                yield self._build(chosen)
                continue
            for class_id, amount in amounts:
                used[rp_id, class_id] = used.get((rp_id, class_id),
                                                 0) + amount
            if isolating:
                isolated.add(rp_id)
            yield from self._assign(options, index + 1, chosen, used,
                                    isolated)
            if isolating:
                isolated.discard(rp_id)
            for class_id, amount in amounts:
                used[rp_id, class_id] -= amount

    def _build(self, chosen):
        first = chosen[0]
        if self.sole_amounts and chosen.count(first) == len(chosen):
            # One group, served by one provider (the common case).
            return Candidate({first: dict(self.sole_amounts)},
                             {self.groups[0].suffix: [first]})
        allocations = {}
        mappings = {}
        for rp_id, (group, amounts) in zip(chosen, self.slots):
            mapped = mappings.get(group.suffix)
            if mapped is None:
                mappings[group.suffix] = [rp_id]
            elif rp_id not in mapped:
                mapped.append(rp_id)
            if not amounts:
                continue
            resources = allocations.get(rp_id)
            if resources is None:
                resources = allocations[rp_id] = {}
            for class_id, amount in amounts:
                resources[class_id] = resources.get(class_id, 0) + amount
        return Candidate(allocations, mappings)

    def chunks(self, first):
        """Lists of roots to search, in id order, each larger than the
        last (``first`` roots first); one None (every tree) when
        ``first`` is None."""
        if first is None:
            yield None
            return
        after = None
        size = first
        while True:
            roots = sql.roots_after(self.conn, after, size)
            if not roots:
                return
            yield roots
            if len(roots) < size:
                return
            after = roots[-1]
            size = min(size * 8, _MAX_CHUNK)

    def generate(self, strategy, first_chunk=None):
        """All candidates, tree by tree (depth-first) or one per tree in
        turn (breadth-first) within each chunk of trees; candidates made
        only of sharing providers can come from several anchors and are
        deduplicated."""
        seen = set()
        sharing = self.sharing
        root_of = self.root_of
        nested_aware = self.query.nested_aware

        def keep(candidate):
            if not nested_aware:
                roots = [root_of[rp] for rp in candidate.allocations]
                if len(roots) != len(set(roots)):
                    return False
            if sharing and all(rp in sharing
                               for rp in candidate.allocations):
                key = (frozenset((rp, cid, amount) for rp, res in
                                 candidate.allocations.items()
                                 for cid, amount in res.items()),
                       frozenset((s, frozenset(rps)) for s, rps in
                                 candidate.mappings.items()))
                if key in seen:
                    return False
                seen.add(key)
            return True

        for roots in self.chunks(first_chunk):
            self.load_trees(roots)
            per_group, anchors = self.options(roots)
            if self.randomize:
                random.shuffle(anchors)
            trees = (self.tree_candidates(a, per_group) for a in anchors)
            if strategy == 'breadth-first':
                stream = _round_robin(trees)
            else:
                stream = itertools.chain.from_iterable(trees)
            for candidate in stream:
                if keep(candidate):
                    yield candidate


def _round_robin(generators):
    active = collections.deque()
    for gen in generators:
        active.append(gen)
    while active:
        gen = active.popleft()
        try:
            value = next(gen)
        except StopIteration:
            continue
        active.append(gen)
        yield value


@db_api.reader
def find(ctx, conn, query, all_resources=True, with_traits=True):
    """The candidates and provider summaries answering ``query`` (a
    request_group.CandidateQuery). Summaries list every inventory of a
    provider, or with ``all_resources`` False only the requested classes;
    ``with_traits`` adds the traits of each provider."""
    conf = ctx.config.placement
    search = _Search(conn, query)
    if not search.resolve():
        return Result([], {})
    bound = query.limit
    if conf.max_allocation_candidates > 0:
        bound = min(bound or conf.max_allocation_candidates,
                    conf.max_allocation_candidates)
    search.randomize = bool(conf.randomize_allocation_candidates and
                            query.limit)
    # A bounded, ordered answer reads trees in growing chunks and stops
    # when it has enough; otherwise every tree is read at once.
    first_chunk = None
    if bound:
        bound = min(bound, sys.maxsize)
    if bound and not search.randomize:
        first_chunk = min(max(_FIRST_CHUNK, 2 * bound), _MAX_CHUNK)
    search.load_common(whole=first_chunk is None)
    search.plan()
    stream = search.generate(conf.allocation_candidates_generation_strategy,
                             first_chunk)
    candidates = list(itertools.islice(stream, bound))
    return Result(candidates, _summaries(conn, search, candidates,
                                         all_resources, with_traits),
                  search.class_names)


def _summaries(conn, search, candidates, all_resources, with_traits):
    """Summaries of the trees of the candidates (from 1.29), or of the
    providers in the candidates (before, when trees were unknown)."""
    if not candidates:
        return {}
    in_candidates = set()
    for candidate in candidates:
        in_candidates.update(candidate.allocations)
        for rps in candidate.mappings.values():
            in_candidates.update(rps)
    root_of = search.root_of
    if search.query.nested_aware:
        roots = {root_of[rp] for rp in in_candidates}
        wanted = {'roots': roots}
    else:
        wanted = {'provider_ids': in_candidates}
    # Long id lists cost more to send and plan than reading every row:
    # read everything when the candidates cover most trees.
    where = wanted
    if (search.root_count and len(in_candidates) > _IN_LIMIT and
            len(roots if search.query.nested_aware else in_candidates) >
            search.root_count // 2):
        where = {}
    providers = sql.summary_providers(conn, **where)
    if not where:
        if search.query.nested_aware:
            providers = [p for p in providers if p[3] in roots]
        else:
            providers = [p for p in providers if p[0] in in_candidates]
    if where:
        # The trees' providers are known now: the statements below name
        # them rather than find them again through their roots (a join
        # that PostgreSQL hashed against every provider of the cloud).
        where = {'provider_ids': [row[0] for row in providers]}
    uuid_of = {rp_id: uuid for rp_id, uuid, _p, _r in providers}
    summaries = {}
    for rp_id, uuid, parent_id, root_id in providers:
        summaries[rp_id] = Summary(
            uuid, uuid_of.get(parent_id) if parent_id else None,
            uuid_of.get(root_id), {}, [])
    missing = {root_id for _i, _u, _p, root_id in providers
               if root_id not in uuid_of}
    missing |= {parent_id for _i, _u, parent_id, _r in providers
                if parent_id and parent_id not in uuid_of}
    if missing:
        # Only before 1.29, when the summaries are not whole trees.
        uuid_of.update(sql.provider_uuids(conn, missing))
        for rp_id, _u, parent_id, root_id in providers:
            summary = summaries[rp_id]
            summary.root_uuid = uuid_of[root_id]
            summary.parent_uuid = uuid_of[parent_id] if parent_id else None
    class_ids = None
    if not all_resources:
        class_ids = {cid for g in search.groups for cid in g.resources}
    # The search already read the rows that can serve a group; only the
    # other inventories of these trees are read here. When a group
    # filters providers, the complement of its filter would cost more
    # than the rows it saves: the rows read are named instead (in a
    # candidate's tree, a provider's row of a requested class was read
    # exactly when it passed the filter of a group asking that class).
    known_groups = search.resourceful
    known_rows = None
    if search.narrowed:
        known_groups = None
        known_rows = collections.defaultdict(list)
        for rp_id, class_id in search.inventory:
            if rp_id in summaries:
                known_rows[class_id].append(rp_id)
        if sum(map(len, known_rows.values())) > _KNOWN_ROWS_LIMIT:
            known_rows = None
    inventories = sql.summary_inventories(
        conn, class_ids=class_ids, known_groups=known_groups,
        known_rows=known_rows, **where)
    names = dict(search.class_names)
    unknown = {row[1] for row in inventories} - set(names)
    if unknown:
        names.update(resource_class.names_for_ids(conn, unknown))
    if known_groups or known_rows:
        for (rp_id, class_id), row in search.inventory.items():
            summary = summaries.get(rp_id)
            if summary is not None:
                summary.resources[names[class_id]] = {'capacity': row[4],
                                                      'used': row[5]}
    for rp_id, class_id, capacity, used in inventories:
        summary = summaries.get(rp_id)
        if summary is not None:
            # int(): MySQL sums are Decimals.
            summary.resources[names[class_id]] = {
                'capacity': int(capacity), 'used': int(used)}
    if with_traits:
        for rp_id, name in sql.summary_traits(conn, **where):
            summary = summaries.get(rp_id)
            if summary is not None:
                summary.traits.append(name)
    return summaries
