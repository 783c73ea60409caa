"""The provider query language, parsed in one place.

GET /resource_providers and GET /allocation_candidates share the syntax of
``resources``, ``required``, ``member_of`` and ``in_tree``; the candidate
search adds suffixed (granular) request groups, ``group_policy``,
``limit``, ``root_required`` and ``same_subtree``. This module turns a
query string into plain values (names and uuids, not database ids) and
raises the 400 answers of OpenStack Placement for malformed input, per
microversion. It does not touch the database: unknown classes, traits and
aggregates are the object layer's business.

Microversions that change the language:

* 1.17 ``required``; 1.22 forbidden traits (``!T``); 1.39 any-of traits
  (``in:A,B``) and repeated ``required`` (ANDed; before, the last wins).
* 1.21 ``member_of`` (``in:`` any-of); 1.24 repeated ``member_of``
  (ANDed); 1.32 forbidden aggregates (``!A``, ``!in:A,B``).
* 1.25 numbered groups and ``group_policy``; 1.33 string suffixes.
* 1.31 ``in_tree``; 1.35 ``root_required``; 1.36 ``same_subtree`` and
  resourceless suffixed groups.
"""
import dataclasses
import re

from oslo_utils import uuidutils

from placement import errors

UNSUFFIXED = ''

RESOURCES_FORM = ('Badly formed resources parameter. Expected resources '
                  'query string parameter in form: '
                  '?resources=VCPU:2,MEMORY_MB:1024. Got: %s.')

# The suffix of a request group: digits from 1.25, any short word from 1.33.
NUMBERED_SUFFIX = '[1-9][0-9]*'
STRING_SUFFIX = '[a-zA-Z0-9_-]{1,64}'
GROUP_PREFIXES = ('resources', 'required', 'member_of', 'in_tree')


@dataclasses.dataclass
class TraitFilter:
    """Trait requirements: every trait of ``required``, at least one of
    each set in ``any_of``, none of ``forbidden``."""
    required: set = dataclasses.field(default_factory=set)
    any_of: list = dataclasses.field(default_factory=list)
    forbidden: set = dataclasses.field(default_factory=set)

    def __bool__(self):
        return bool(self.required or self.any_of or self.forbidden)

    def names(self):
        found = set(self.required) | set(self.forbidden)
        for names in self.any_of:
            found |= names
        return found

    def add(self, other):
        self.required |= other.required
        self.any_of.extend(other.any_of)
        self.forbidden |= other.forbidden

    def satisfied_by(self, traits):
        """Whether a set of trait names (or ids) meets the filter."""
        return (self.required <= traits and
                not (self.forbidden & traits) and
                all(names & traits for names in self.any_of))


@dataclasses.dataclass
class AggregateFilter:
    """Aggregate requirements: membership in at least one aggregate of each
    set in ``member_of``, and in none of ``forbidden``."""
    member_of: list = dataclasses.field(default_factory=list)
    forbidden: set = dataclasses.field(default_factory=set)

    def __bool__(self):
        return bool(self.member_of or self.forbidden)

    def uuids(self):
        found = set(self.forbidden)
        for uuids in self.member_of:
            found |= uuids
        return found


@dataclasses.dataclass
class RequestGroup:
    """One request group: resources that (for a suffixed group) a single
    provider must supply, with the traits, aggregates and tree it must
    have."""
    suffix: str = UNSUFFIXED
    resources: dict = dataclasses.field(default_factory=dict)
    traits: TraitFilter = dataclasses.field(default_factory=TraitFilter)
    aggregates: AggregateFilter = dataclasses.field(
        default_factory=AggregateFilter)
    in_tree: str | None = None

    @property
    def use_same_provider(self):
        return self.suffix != UNSUFFIXED


@dataclasses.dataclass
class CandidateQuery:
    """Everything GET /allocation_candidates asked for."""
    groups: list
    limit: int | None = None
    group_policy: str | None = None
    root_traits: TraitFilter = dataclasses.field(default_factory=TraitFilter)
    same_subtrees: list = dataclasses.field(default_factory=list)
    # Before 1.29 a candidate never takes from two providers of one tree.
    nested_aware: bool = True

    def requested_classes(self):
        names = set()
        for group in self.groups:
            names |= set(group.resources)
        return names


@dataclasses.dataclass
class ProviderFilter:
    """Everything GET /resource_providers filters on."""
    name: str | None = None
    uuid: str | None = None
    in_tree: str | None = None
    resources: dict = dataclasses.field(default_factory=dict)
    traits: TraitFilter = dataclasses.field(default_factory=TraitFilter)
    aggregates: AggregateFilter = dataclasses.field(
        default_factory=AggregateFilter)


def _bad(detail, **kwargs):
    return errors.bad_request(detail, code=errors.QUERYPARAM_BAD_VALUE,
                              **kwargs)


def parse_resources(value):
    """{class name: amount} from ``VCPU:2,MEMORY_MB:1024``."""
    if not value.strip():
        raise errors.bad_request(RESOURCES_FORM % 'empty string')
    resources = {}
    for item in value.split(','):
        try:
            name, amount = item.split(':')
        except ValueError:
            raise errors.bad_request(RESOURCES_FORM % item)
        try:
            amount = int(amount)
        except ValueError:
            raise errors.bad_request(
                'Requested resource %(name)s expected positive integer '
                'amount. Got: %(amount)s.', name=name, amount=amount)
        if amount < 1:
            raise errors.bad_request(
                'Requested resource %(name)s requires amount >= 1. '
                'Got: %(amount)d.', name=name, amount=amount)
        resources[name] = amount
    return resources


IN_FORM = 'in:HW_CPU_X86_VMX,CUSTOM_MAGIC'


def _trait_form_error(value, allow_forbidden, empty=False):
    """The 400 of a malformed trait list. Upstream words it for the key
    ``required`` whichever key (``required1``, ``root_required``) held
    the value, and an empty name with the form of the list it is in."""
    if empty and value.startswith('in:'):
        form = IN_FORM
    elif allow_forbidden:
        form = 'HW_CPU_X86_VMX,!CUSTOM_MAGIC'
    else:
        form = 'HW_CPU_X86_VMX,CUSTOM_MAGIC'
    return errors.bad_request(
        "Invalid query string parameters: Expected 'required' parameter "
        "value of the form: %(form)s. %(got)s %(value)s",
        form=form, value=value,
        got='Got an empty trait in:' if empty else 'Got:')


def _names(value):
    """The comma-separated names of ``value``; blanks around a name do
    not count (as in OpenStack Placement)."""
    return [name.strip() for name in value.split(',')]


def parse_traits(value, version, allow_any=None, allow_forbidden=None):
    """A TraitFilter from one ``required`` value: ``A,!B`` (forbidden
    from 1.22) or ``in:A,B`` (any of, from 1.39)."""
    if allow_any is None:
        allow_any = version >= (1, 39)
    if allow_forbidden is None:
        allow_forbidden = version >= (1, 22)
    result = TraitFilter()
    if value.startswith('in:'):
        if not allow_any:
            raise errors.bad_request(
                "Invalid query string parameters: The format "
                "'%(form)s' only supported since microversion 1.39. "
                "Got: %(value)s", form=IN_FORM, value=value)
        names = set(_names(value[3:]))
        if not all(names):
            raise _trait_form_error(value, allow_forbidden, empty=True)
        if any(n.startswith('!') for n in names):
            raise errors.bad_request(
                "Invalid query string parameters: The format '%(form)s' "
                "does not support forbidden traits. Got: %(value)s",
                form=IN_FORM, value=value)
        result.any_of.append(names)
        return result
    names = _names(value)
    # Any number of leading '!' forbid the name once, as upstream reads
    # them (a known quirk it keeps for compatibility).
    forbidden = {n.lstrip('!') for n in names if n.startswith('!')}
    if not all(names) or not all(forbidden):
        raise _trait_form_error(value, allow_forbidden, empty=True)
    if forbidden and not allow_forbidden:
        raise _trait_form_error(value, allow_forbidden)
    result.required = {n for n in names if not n.startswith('!')}
    result.forbidden = forbidden
    return result


def _member_of_uuid_error(value):
    return errors.bad_request(
        "Invalid query string parameters: Expected 'member_of' parameter "
        "to contain valid UUID(s). Got: %(value)s", value=value)


def parse_member_of(values, version, suffix=UNSUFFIXED):
    """An AggregateFilter from every ``member_of<suffix>`` value of one
    group. Each value is checked whole (form, uuids) before whether the
    microversion allows forbidding, as upstream checks it."""
    if len(values) > 1 and version < (1, 24):
        raise errors.bad_request(
            'Multiple member_of%(suffix)s parameters are not supported',
            suffix=suffix)
    result = AggregateFilter()
    for value in values:
        forbidden = value.startswith('!')
        body = value[1:] if forbidden else value
        if body.startswith('in:'):
            uuids = body[3:].split(',')
        elif ',' in value:
            raise errors.bad_request(
                "Multiple values for 'member_of' must be prefixed with the "
                "'in:' or '!in:' keyword using the valid microversion. "
                "Got: %(value)s", value=value)
        else:
            uuids = [body]
        bad = [u for u in uuids if not uuidutils.is_uuid_like(u)]
        if bad:
            # Upstream names one value that is not a uuid.
            raise _member_of_uuid_error(bad[0])
        uuids = {u.lower() for u in uuids}
        if forbidden:
            if version < (1, 32):
                raise errors.bad_request(
                    'Forbidden member_of%(suffix)s parameters are not '
                    'supported in the specified microversion',
                    suffix=suffix)
            result.forbidden |= uuids
        else:
            result.member_of.append(uuids)
    return result


def parse_in_tree(value):
    # Blanks around the uuid do not count (as upstream reads it).
    if not uuidutils.is_uuid_like(value.strip()):
        raise errors.bad_request(
            "Invalid query string parameters: Expected 'in_tree' parameter "
            "to be a format of uuid. Got: %(value)s", value=value)
    return value.strip()


def _traits_of(params, key, version):
    """The TraitFilter of every ``key`` value: ANDed from 1.39, the last
    one alone before."""
    values = params.getall(key)
    if version < (1, 39):
        values = values[-1:]
    result = TraitFilter()
    for value in values:
        result.add(parse_traits(value, version))
    return result


def parse_provider_filter(params, version):
    """The filters of GET /resource_providers (query already validated
    against its schema)."""
    flt = ProviderFilter()
    # An empty name filters nothing, as in OpenStack Placement.
    if params.getall('name')[-1:] != ['']:
        flt.name = params.getall('name')[-1] if 'name' in params else None
    if 'uuid' in params:
        flt.uuid = params.getall('uuid')[-1]
    if 'in_tree' in params:
        flt.in_tree = params.getall('in_tree')[-1]
    if 'member_of' in params:
        flt.aggregates = parse_member_of(params.getall('member_of'),
                                         version)
    if 'resources' in params:
        flt.resources = parse_resources(params.getall('resources')[-1])
    if 'required' in params:
        flt.traits = _traits_of(params, 'required', version)
    return flt


def _group_key_re(version):
    suffix = STRING_SUFFIX if version >= (1, 33) else NUMBERED_SUFFIX
    if version < (1, 25):
        suffix = '(?!)'
    return re.compile('^(%s)(%s)?$' % ('|'.join(GROUP_PREFIXES), suffix))


def _first(params, key):
    values = params.getall(key)
    return values[0] if values else None


def parse_candidate_query(params, version):
    """The CandidateQuery of GET /allocation_candidates (query already
    validated against its schema)."""
    key_re = _group_key_re(version)
    by_suffix = {}
    for key in params:
        match = key_re.match(key)
        if not match:
            continue
        prefix, suffix = match.group(1), match.group(2) or UNSUFFIXED
        group = by_suffix.setdefault(suffix, RequestGroup(suffix=suffix))
        if prefix == 'resources':
            group.resources = parse_resources(params.getall(key)[-1])
        elif prefix == 'required':
            group.traits = _traits_of(params, key, version)
        elif prefix == 'member_of':
            group.aggregates = parse_member_of(params.getall(key), version,
                                               suffix)
        else:
            group.in_tree = parse_in_tree(params.getall(key)[-1])

    query = CandidateQuery(groups=sorted(by_suffix.values(),
                                         key=lambda g: g.suffix))
    query.nested_aware = version >= (1, 29)
    limit = _first(params, 'limit')
    query.limit = int(limit) if limit is not None else None
    query.group_policy = _first(params, 'group_policy')

    if version >= (1, 36):
        _check_groups_resourceless_allowed(by_suffix)
    else:
        _check_groups_need_resources(by_suffix)

    suffixed = [g for g in by_suffix.values() if g.use_same_provider]

    _check_conflicting_traits(query.groups)

    if version >= (1, 35) and 'root_required' in params:
        query.root_traits = _parse_root_required(params, version)
    if version >= (1, 36):
        query.same_subtrees = _parse_same_subtree(
            params.getall('same_subtree'), by_suffix)
        in_subtree = set().union(*query.same_subtrees)
        resourceless = sorted(g.suffix for g in suffixed
                              if not g.resources and
                              g.suffix not in in_subtree)
        if resourceless:
            raise _bad('Resourceless suffixed group request should be '
                       'specified in `same_subtree` query param: bad '
                       'group(s) - %(groups)s.', groups=resourceless)
    # Checked after the groups themselves, as upstream checks it.
    if len(suffixed) > 1 and query.group_policy is None:
        raise errors.bad_request(
            'The "group_policy" parameter is required when specifying more '
            'than one "resources{N}" parameter.')
    return query


def _orphans(by_suffix, prefix, has_filter):
    """The ``prefix`` keys of the resourceless groups that filter, in
    the order the query names the groups (as upstream lists them)."""
    return [prefix + suffix for suffix, group in by_suffix.items()
            if has_filter(group) and not group.resources]


def _check_orphans(by_suffix):
    # Only traits a provider must have make a 'required' key orphaned: a
    # group that only forbids traits is one without resources.
    orphans = _orphans(by_suffix, 'required',
                       lambda g: g.traits.required or g.traits.any_of)
    if orphans:
        raise errors.bad_request(
            # Two blanks, as upstream has it.
            'All traits parameters must be associated with resources.  '
            'Found the following orphaned traits keys: %(keys)s',
            keys=', '.join(orphans))
    orphans = _orphans(by_suffix, 'member_of', lambda g: g.aggregates)
    if orphans:
        raise errors.bad_request(
            'All member_of parameters must be associated with resources. '
            'Found the following orphaned member_of keys: %(keys)s',
            keys=', '.join(orphans))


def _check_groups_need_resources(by_suffix):
    if not by_suffix:
        raise errors.bad_request(
            'At least one request group (`resources` or `resources{$S}`) '
            'is required.')
    _check_orphans(by_suffix)
    if not all(group.resources for group in by_suffix.values()):
        raise errors.bad_request('All request groups must specify '
                                 'resources.')


def _check_groups_resourceless_allowed(by_suffix):
    if not any(group.resources for group in by_suffix.values()):
        raise errors.bad_request(
            'There must be at least one resources or resources[$S] '
            'parameter.', code=errors.QUERYPARAM_MISSING_VALUE)
    unsuffixed = by_suffix.get(UNSUFFIXED)
    if unsuffixed is not None and not unsuffixed.resources:
        _check_orphans({UNSUFFIXED: unsuffixed})
        if unsuffixed.in_tree:
            raise errors.bad_request('All request groups must specify '
                                     'resources.')


def _check_conflicting_traits(groups):
    """A group contradicts itself where it forbids a trait it requires,
    or every trait of one of its any-of sets; each such requirement is
    named on its own, as upstream names them."""
    conflicts = []
    for group in groups:
        forbidden = group.traits.forbidden
        needed = [{name} for name in group.traits.required]
        needed += group.traits.any_of
        conflicts += ['required%s: (%s)' % (group.suffix,
                                            ', '.join(sorted(names)))
                      for names in needed if names <= forbidden]
    if conflicts:
        raise errors.bad_request(
            'Conflicting required and forbidden traits found in the '
            'following traits keys: %(keys)s',
            keys=', '.join(sorted(conflicts)))


def _parse_root_required(params, version):
    values = params.getall('root_required')
    if len(values) > 1:
        raise errors.bad_request(
            "Query parameter 'root_required' may be specified only once.",
            code=errors.ILLEGAL_DUPLICATE_QUERYPARAM)
    # A malformed value is reported as upstream reports it, as 'required'.
    traits = parse_traits(values[0], version, allow_any=False,
                          allow_forbidden=True)
    both = traits.required & traits.forbidden
    if both:
        raise _bad('Conflicting required and forbidden traits found in '
                   'root_required: %(traits)s',
                   traits=', '.join(sorted(both)))
    return traits


def _parse_same_subtree(values, by_suffix):
    subtrees = []
    for value in values:
        # As upstream: blanks around a suffix do not count.
        suffixes = [s.strip() for s in value.split(',')]
        if UNSUFFIXED in suffixes:
            raise _bad('Empty string (unsuffixed group) can not be '
                       'specified in `same_subtree` ')
        unknown = [s for s in suffixes if s not in by_suffix]
        if unknown:
            raise _bad('Real suffixes should be specified in '
                       '`same_subtree`: %(bad)s not found in %(known)s.',
                       bad=unknown, known=sorted(by_suffix))
        subtrees.append(frozenset(suffixes))
    return subtrees
