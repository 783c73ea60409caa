"""Request sequences generated from the API reference (API 1.0-1.39).

A scenario is a Python generator: it yields ``compare.Request`` objects
and receives upstream's answer to each (so that it can carry generations
forward, as a client would). Every scenario creates its own providers,
classes, traits and consumers with names and uuids derived from the seed,
so that the two servers' answers can be compared directly.

``sweep`` walks every route and method at every microversion boundary;
the other scenarios are drawn at random (seeded) and cover query
parameters and body fields with edge values, and stateful sequences:
consumers written at one microversion and read at another, inventory
shrunk below usage, re-parenting, deletes of things in use.
"""
import random
import uuid

from tests.differential.compare import Request

MAX = 39
VERSIONS = ['1.%d' % i for i in range(MAX + 1)]
STANDARD_CLASSES = ['VCPU', 'MEMORY_MB', 'DISK_GB', 'SRIOV_NET_VF',
                    'NET_BW_EGR_KILOBIT_PER_SEC', 'PCPU']
STANDARD_TRAITS = ['HW_CPU_X86_AVX', 'HW_CPU_X86_AVX2', 'HW_CPU_X86_SSE',
                   'HW_NUMA_ROOT', 'STORAGE_DISK_SSD', 'COMPUTE_VOLUME_MULTI_ATTACH']
# Microversions where some query parameter or body field appears (from
# parameters.yaml and the version history).
BOUNDARIES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
              18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
              33, 34, 35, 36, 37, 38, 39]
ALLOC_CANDIDATE_SORT = ('allocation_requests',
                        'allocation_requests.[].mappings.*',
                        'provider_summaries.*.traits')


def candidates(query, version='latest', **kw):
    """GET /allocation_candidates: the order of candidates, of the
    providers of a mapping and of keys is upstream's implementation detail
    (its sets and dicts), compared as sets."""
    return Request('GET', '/allocation_candidates', query=query,
                   version=version, unordered=ALLOC_CANDIDATE_SORT,
                   key_order=False, **kw)


def traits_list(query=None, version='latest', **kw):
    """GET /traits: upstream lists the standard traits in the order they
    were inserted, which follows a Python set (it changes with the hash
    seed): compared as a set."""
    return Request('GET', '/traits', query=query, version=version,
                   unordered=('traits',), **kw)


def get(path, query=None, version='latest', **kw):
    """A GET, compared as its route needs."""
    if path == '/allocation_candidates':
        return candidates(query, version, **kw)
    if path == '/traits':
        return traits_list(query, version, **kw)
    return Request('GET', path, query=query, version=version, **kw)


def v(minor):
    return '1.%d' % minor


class World:
    """Deterministic names and uuids of one run, and the set of uuids the
    client chose (compared as they are; others are masked)."""

    def __init__(self, seed):
        self.seed = seed
        self.rng = random.Random(seed)
        self.counter = 0
        self.known = set()
        self.namespace = uuid.uuid5(uuid.NAMESPACE_URL,
                                    'placement-differential-%s' % seed)

    def uuid(self):
        self.counter += 1
        value = str(uuid.uuid5(self.namespace, str(self.counter)))
        self.known.add(value)
        return value

    def tag(self):
        self.counter += 1
        return '%d_%d' % (self.seed, self.counter)

    def rc(self):
        return 'CUSTOM_RC_%s' % self.tag()

    def trait(self):
        return 'CUSTOM_TR_%s' % self.tag()

    def name(self):
        return 'rp-%s' % self.tag()

    def choice(self, seq):
        return self.rng.choice(seq)

    def version(self, low=0, high=MAX):
        return v(self.rng.randint(low, high))


# -- small building blocks ---------------------------------------------

def create_provider(w, parent=None, version='latest', name=None):
    rp = w.uuid()
    body = {'name': name or w.name(), 'uuid': rp}
    if parent:
        body['parent_provider_uuid'] = parent
    yield Request('POST', '/resource_providers', body=body, version=version)
    return rp


def generation(w, rp):
    resp = yield Request('GET', '/resource_providers/%s' % rp)
    if resp.status == 200 and resp.json:
        return resp.json['generation']
    return 0


def set_inventory(w, rp, inventories, gen=None):
    if gen is None:
        gen = yield from generation(w, rp)
    resp = yield Request('PUT', '/resource_providers/%s/inventories' % rp,
                         body={'resource_provider_generation': gen,
                               'inventories': inventories})
    return resp


def compute_node(w, classes=None, traits=None, parent=None):
    rp = yield from create_provider(w, parent=parent)
    classes = classes or {'VCPU': {'total': 8, 'allocation_ratio': 2.0},
                          'MEMORY_MB': {'total': 4096, 'reserved': 512,
                                        'step_size': 256},
                          'DISK_GB': {'total': 100, 'max_unit': 50}}
    yield from set_inventory(w, rp, classes, gen=0)
    if traits:
        yield Request('PUT', '/resource_providers/%s/traits' % rp,
                      body={'resource_provider_generation': 1,
                            'traits': traits})
    return rp


def reads_of_provider(rp, version):
    base = '/resource_providers/%s' % rp
    for path in (base, base + '/inventories', base + '/usages',
                 base + '/aggregates', base + '/traits',
                 base + '/allocations', base + '/inventories/VCPU',
                 base + '/inventories/CUSTOM_NOPE'):
        yield Request('GET', path, version=version)


def alloc_body(version, allocations, project='proj-a', user='user-a',
               consumer_generation=None, consumer_type='INSTANCE'):
    """A PUT /allocations/{c} body in the form of ``version``:
    ``allocations`` is {rp: {class: amount}}."""
    minor = int(version.split('.')[1]) if version != 'latest' else MAX
    if minor < 12:
        body = {'allocations': [
            {'resource_provider': {'uuid': rp}, 'resources': res}
            for rp, res in allocations.items()]}
    else:
        body = {'allocations': {rp: {'resources': res}
                                for rp, res in allocations.items()}}
    if minor >= 8:
        body['project_id'] = project
        body['user_id'] = user
    if minor >= 28:
        body['consumer_generation'] = consumer_generation
    if minor >= 38:
        body['consumer_type'] = consumer_type
    return body


# -- scenarios ----------------------------------------------------------

def sweep(w):
    """Every route and method at every microversion, over a small world
    that has one of everything; bad and absent microversion headers."""
    root = yield from compute_node(w, traits=['HW_CPU_X86_AVX'])
    child = yield from create_provider(w, parent=root)
    rc = w.rc()
    trait = w.trait()
    agg = w.uuid()
    consumer = w.uuid()
    yield Request('PUT', '/resource_classes/%s' % rc)
    yield Request('PUT', '/traits/%s' % trait)
    yield Request('PUT', '/resource_providers/%s/aggregates' % root,
                  body={'aggregates': [agg],
                        'resource_provider_generation': 2})
    yield Request('PUT', '/allocations/%s' % consumer,
                  body=alloc_body('latest', {root: {'VCPU': 2,
                                                    'MEMORY_MB': 512}}))
    gets = ['/', '/resource_providers', '/resource_classes',
            '/resource_classes/VCPU', '/resource_classes/%s' % rc,
            '/traits', '/traits/%s' % trait, '/traits/HW_CPU_X86_AVX',
            '/allocations/%s' % consumer, '/usages?project_id=proj-a',
            '/allocation_candidates?resources=VCPU:1',
            '/resource_providers/%s/allocations' % root,
            '/resources_providers', '/resource_providers/%s' % child]
    for version in VERSIONS + ['latest']:
        for path in gets:
            p, _, q = path.partition('?')
            yield get(p, q or None, version)
        yield from reads_of_provider(root, version)
    # Methods a route does not have: 405 with the Allow header.
    for method, path in (('PATCH', '/resource_providers'),
                         ('DELETE', '/resource_providers'),
                         ('POST', '/resource_providers/%s' % root),
                         ('POST', '/traits/%s' % trait),
                         ('PATCH', '/allocations/%s' % consumer),
                         ('PUT', '/allocation_candidates'),
                         ('DELETE', '/usages'),
                         ('POST', '/'),
                         ('GET', '/reshaper'),
                         ('GET', '/allocations'),
                         ('PUT', '/resource_classes')):
        for version in ('1.0', '1.13', '1.30', 'latest'):
            yield Request(method, path, version=version)
    # Microversion headers at and beyond the edges.
    for header in ('placement 1.40', 'placement 2.0', 'placement 0.9',
                   'placement 1.', 'placement 1.a', 'placement latest',
                   'placement LATEST', 'placement  1.5', 'compute 1.5',
                   'placement', '', 'placement 1.05', 'placement 1.5.1',
                   'placement 1.10, compute 2.1', 'placement -1.1'):
        for path in ('/', '/resource_providers', '/traits'):
            yield get(path, version=None,
                      headers={'OpenStack-API-Version': header})
    for path in ('/', '/resource_providers'):
        yield Request('GET', path, version=None,
                      headers={'X-OpenStack-Placement-API-Version': '1.5'})
        yield Request('GET', path, version='1.1',
                      headers={'Accept': 'text/html'})
        yield Request('GET', path, version='1.1',
                      headers={'Accept': '*/*'})


EDGE_NAMES = ['', ' ', 'a', 'x' * 200, 'x' * 201, ' padded ', 'ünïcode',
              'with/slash', 'tab\tname', 'dup']


def provider_bodies(w):
    """Edge values of the POST /resource_providers body."""
    rp = w.uuid()
    name = w.name()
    return [
        {'name': name},
        {'name': name, 'uuid': rp},
        {'name': w.name(), 'uuid': rp.upper()},
        {'name': w.name(), 'uuid': rp.replace('-', '')},
        {'name': w.name(), 'uuid': 'not-a-uuid'},
        {'name': w.name(), 'uuid': ''},
        {'name': w.name(), 'uuid': None},
        {'name': None},
        {'name': 7},
        {},
        {'uuid': w.uuid()},
        {'name': w.name(), 'uuid': w.uuid(), 'extra': 1},
        {'name': w.name(), 'uuid': w.uuid(), 'parent_provider_uuid': None},
        {'name': w.name(), 'uuid': w.uuid(),
         'parent_provider_uuid': w.uuid()},
        {'name': w.name(), 'uuid': w.uuid(),
         'parent_provider_uuid': 'bogus'},
        {'name': w.name(), 'generation': 0},
        {'name': w.name(), 'uuid': w.uuid(), 'root_provider_uuid': w.uuid()},
    ] + [{'name': n + w.tag() if n == 'dup' else n, 'uuid': w.uuid()}
         for n in EDGE_NAMES]


def provider_create_edges(w):
    version = w.choice(['1.0', '1.13', '1.14', '1.19', '1.20', 'latest'])
    for body in provider_bodies(w):
        resp = yield Request('POST', '/resource_providers', body=body,
                             version=version)
        if resp.status in (200, 201) and body.get('uuid') and \
                isinstance(body['uuid'], str):
            yield Request('GET', '/resource_providers/%s' % body['uuid'],
                          version=w.version())
    # The same name or uuid twice.
    rp = yield from create_provider(w)
    yield Request('POST', '/resource_providers',
                  body={'name': w.name(), 'uuid': rp}, version=version)
    resp = yield Request('GET', '/resource_providers/%s' % rp)
    if resp.json:
        yield Request('POST', '/resource_providers',
                      body={'name': resp.json['name'], 'uuid': w.uuid()},
                      version=version)
    # Bodies that are not JSON objects.
    for raw in (b'', b'{', b'[]', b'null', b'"x"', b'{"name": "a"}x'):
        yield Request('POST', '/resource_providers', body=raw,
                      version=version)
    yield Request('POST', '/resource_providers', body={'name': w.name()},
                  version=version, headers={'Content-Type': 'text/plain'})


def provider_update_edges(w):
    """Renames, re-parenting (1.14 sets a parent, 1.37 moves and
    un-parents), deletes of providers in use."""
    root = yield from compute_node(w)
    other = yield from create_provider(w)
    child = yield from create_provider(w, parent=root)
    grandchild = yield from create_provider(w, parent=child)
    orphan = yield from create_provider(w)
    for version in ('1.13', '1.14', '1.36', '1.37', 'latest'):
        for target, parent in ((orphan, root), (child, other),
                               (child, None), (grandchild, root),
                               (root, grandchild), (root, root),
                               (child, w.uuid()), (orphan, 'bogus')):
            resp = yield Request('GET', '/resource_providers/%s' % target)
            name = resp.json['name'] if resp.json else 'x'
            body = {'name': name}
            if w.rng.random() < 0.8:
                body['parent_provider_uuid'] = parent
            yield Request('PUT', '/resource_providers/%s' % target,
                          body=body, version=version)
            yield Request('GET', '/resource_providers', version=version,
                          query=[('in_tree', root)])
    for body in ({'name': ''}, {'name': 'x' * 201}, {}, {'name': None},
                 {'name': w.name(), 'uuid': w.uuid()},
                 {'name': w.name(), 'generation': 5}):
        yield Request('PUT', '/resource_providers/%s' % other, body=body,
                      version=w.version(10))
    # Name taken by another provider.
    resp = yield Request('GET', '/resource_providers/%s' % root)
    yield Request('PUT', '/resource_providers/%s' % other,
                  body={'name': resp.json['name']})
    # Deletes: in use, with children, twice, bad uuid.
    consumer = w.uuid()
    yield Request('PUT', '/allocations/%s' % consumer,
                  body=alloc_body('latest', {root: {'VCPU': 1}}))
    for target in (root, child, grandchild, w.uuid(), 'bogus'):
        yield Request('DELETE', '/resource_providers/%s' % target,
                      version=w.version())
    yield Request('DELETE', '/allocations/%s' % consumer)
    for target in (grandchild, child, root, root):
        yield Request('DELETE', '/resource_providers/%s' % target)
    yield Request('GET', '/resource_providers', query=[('in_tree', root)])


INVENTORY_EDGES = [
    {'total': 0}, {'total': -1}, {'total': 1}, {'total': 2147483647},
    {'total': 2147483648}, {'total': '5'}, {'total': 1.5}, {'total': None},
    {}, {'total': 10, 'reserved': 10}, {'total': 10, 'reserved': 11},
    {'total': 10, 'reserved': -1}, {'total': 10, 'min_unit': 0},
    {'total': 10, 'min_unit': 5, 'max_unit': 4},
    {'total': 10, 'max_unit': 0}, {'total': 10, 'max_unit': 11},
    {'total': 10, 'step_size': 0}, {'total': 10, 'step_size': 3},
    {'total': 10, 'allocation_ratio': 0}, {'total': 10,
                                            'allocation_ratio': -1},
    {'total': 10, 'allocation_ratio': 0.0001},
    {'total': 10, 'allocation_ratio': 3.40282e38},
    {'total': 10, 'allocation_ratio': 3.5e38},
    {'total': 10, 'allocation_ratio': '2'},
    {'total': 10, 'allocation_ratio': 1.5, 'reserved': 2, 'min_unit': 2,
     'max_unit': 8, 'step_size': 2},
    {'total': 10, 'bogus': 1},
]


def inventory_edges(w):
    rp = yield from create_provider(w)
    rc = w.rc()
    yield Request('POST', '/resource_classes', body={'name': rc})
    version = w.choice(['1.0', '1.5', '1.15', '1.26', 'latest'])
    edges = list(INVENTORY_EDGES)
    w.rng.shuffle(edges)
    for record in edges[:10]:
        cls = w.choice(['VCPU', rc, 'DISK_GB'])
        gen = yield from generation(w, rp)
        yield Request('PUT', '/resource_providers/%s/inventories' % rp,
                      body={'resource_provider_generation': gen,
                            'inventories': {cls: record}}, version=version)
        gen = yield from generation(w, rp)
        body = dict(record, resource_provider_generation=gen)
        yield Request('PUT', '/resource_providers/%s/inventories/%s'
                      % (rp, cls), body=body, version=version)
        body = dict(record, resource_provider_generation=gen,
                    resource_class=w.choice([cls, 'MEMORY_MB']))
        yield Request('POST', '/resource_providers/%s/inventories' % rp,
                      body=body, version=version)
        yield Request('GET', '/resource_providers/%s/inventories' % rp,
                      version=version)
    # Generations: wrong, missing, string; classes unknown or malformed.
    for body in ({'inventories': {'VCPU': {'total': 1}}},
                 {'resource_provider_generation': 99,
                  'inventories': {'VCPU': {'total': 1}}},
                 {'resource_provider_generation': '0',
                  'inventories': {'VCPU': {'total': 1}}},
                 {'resource_provider_generation': 0,
                  'inventories': {'CUSTOM_UNKNOWN_%s' % w.tag():
                                  {'total': 1}}},
                 {'resource_provider_generation': 0,
                  'inventories': {'lower_case': {'total': 1}}},
                 {'resource_provider_generation': 0, 'inventories': []},
                 {'resource_provider_generation': 0, 'inventories': {}},
                 {'resource_provider_generation': None,
                  'inventories': {}}):
        yield Request('PUT', '/resource_providers/%s/inventories' % rp,
                      body=body, version=version)
    for path in ('/resource_providers/%s/inventories/VCPU',
                 '/resource_providers/%s/inventories/CUSTOM_NOPE',
                 '/resource_providers/%s/inventories/bad-name',
                 '/resource_providers/%s/inventories'):
        yield Request('GET', path % rp, version=version)
        yield Request('DELETE', path % rp, version=w.version())
    yield Request('GET', '/resource_providers/%s/inventories' % w.uuid())
    yield Request('PUT', '/resource_providers/%s/inventories' % w.uuid(),
                  body={'resource_provider_generation': 0,
                        'inventories': {}})


def inventory_in_use(w):
    """Inventory shrunk below usage, classes removed while allocated."""
    rp = yield from compute_node(w)
    consumer = w.uuid()
    yield Request('PUT', '/allocations/%s' % consumer,
                  body=alloc_body('latest', {rp: {'VCPU': 10,
                                                  'MEMORY_MB': 1024,
                                                  'DISK_GB': 20}}))
    version = w.choice(['1.0', '1.25', '1.26', 'latest'])
    for inventories in (
            {'VCPU': {'total': 4}, 'MEMORY_MB': {'total': 4096},
             'DISK_GB': {'total': 100}},
            {'VCPU': {'total': 8, 'allocation_ratio': 1.0},
             'MEMORY_MB': {'total': 4096}, 'DISK_GB': {'total': 100}},
            {'VCPU': {'total': 8, 'allocation_ratio': 2.0,
                      'reserved': 7},
             'MEMORY_MB': {'total': 4096}, 'DISK_GB': {'total': 100}},
            {'VCPU': {'total': 16}, 'MEMORY_MB': {'total': 4096}},
            {'VCPU': {'total': 16}, 'MEMORY_MB': {'total': 4096},
             'DISK_GB': {'total': 100, 'max_unit': 10}},
            {}):
        yield from set_inventory(w, rp, inventories)
        yield Request('GET', '/resource_providers/%s/inventories' % rp,
                      version=version)
    gen = yield from generation(w, rp)
    yield Request('PUT', '/resource_providers/%s/inventories/VCPU' % rp,
                  body={'resource_provider_generation': gen, 'total': 2},
                  version=version)
    yield Request('DELETE', '/resource_providers/%s/inventories/VCPU' % rp,
                  version=version)
    yield Request('DELETE', '/resource_providers/%s/inventories' % rp,
                  version=w.choice(['1.4', '1.5', 'latest']))
    yield Request('GET', '/resource_providers/%s/usages' % rp,
                  version=version)
    yield candidates([('resources', 'VCPU:1')])
    yield Request('DELETE', '/allocations/%s' % consumer)
    yield Request('DELETE', '/resource_providers/%s/inventories' % rp,
                  version=w.choice(['1.4', '1.5', 'latest']))
    yield Request('GET', '/resource_providers/%s/inventories' % rp)


def consumer_across_versions(w):
    """A consumer written at one microversion and read at others."""
    rp1 = yield from compute_node(w)
    rp2 = yield from compute_node(w)
    consumer = w.uuid()
    versions = [w.version(0, MAX) for _ in range(4)]
    gen = None
    for version in versions:
        minor = int(version.split('.')[1])
        amounts = {rp1: {'VCPU': w.choice([1, 2])},
                   rp2: {'MEMORY_MB': w.choice([256, 512]),
                         'DISK_GB': 1}}
        if w.rng.random() < 0.3:
            amounts.pop(rp1)
        body = alloc_body(version, amounts,
                          project=w.choice(['proj-a', 'proj-b']),
                          user=w.choice(['user-a', 'user-b']),
                          consumer_generation=gen,
                          consumer_type=w.choice(['INSTANCE', 'MIGRATION',
                                                  'other']))
        resp = yield Request('PUT', '/allocations/%s' % consumer, body=body,
                             version=version)
        resp = yield Request('GET', '/allocations/%s' % consumer,
                             version='latest')
        if resp.json:
            gen = resp.json.get('consumer_generation')
        for read in (w.version(), '1.27', '1.28', '1.37', '1.38'):
            yield Request('GET', '/allocations/%s' % consumer, version=read)
            yield Request('GET', '/resource_providers/%s/allocations' % rp2,
                          version=read)
        yield Request('GET', '/usages', query=[('project_id', 'proj-a')],
                      version=w.choice(['1.9', '1.37', '1.38']))
        yield Request('GET', '/usages', query=[('project_id', 'proj-b'),
                                               ('user_id', 'user-b')],
                      version=w.choice(['1.9', '1.38']))
        if minor < 12 and w.rng.random() < 0.5:
            # A provider listed twice in the list form.
            yield Request('PUT', '/allocations/%s' % consumer,
                          version=version, body={'allocations': [
                              {'resource_provider': {'uuid': rp1},
                               'resources': {'VCPU': 1}},
                              {'resource_provider': {'uuid': rp1},
                               'resources': {'VCPU': 1}}]})
    # Consumer generation edge values at 1.28+.
    for cg in (None, 0, 99, '1', -1):
        body = alloc_body('1.28', {rp1: {'VCPU': 1}}, consumer_generation=cg)
        yield Request('PUT', '/allocations/%s' % consumer, body=body,
                      version='1.28')
        yield Request('PUT', '/allocations/%s' % w.uuid(), body=body,
                      version='1.28')
    # Empty allocations: delete at some versions, 400 at others.
    for version in ('1.27', '1.28', '1.38'):
        resp = yield Request('GET', '/allocations/%s' % consumer)
        body = alloc_body(version, {},
                          consumer_generation=(resp.json or {}).get(
                              'consumer_generation'))
        yield Request('PUT', '/allocations/%s' % consumer, body=body,
                      version=version)
        yield Request('GET', '/allocations/%s' % consumer, version=version)
    yield Request('DELETE', '/allocations/%s' % consumer)
    yield Request('DELETE', '/allocations/%s' % consumer)
    yield Request('GET', '/allocations/%s' % consumer, version='1.38')


def old_writes_to_existing(w):
    """Writes below 1.8 to a consumer that has a project and user, and
    writes without project to new consumers (incomplete consumers)."""
    rp = yield from compute_node(w)
    consumer = w.uuid()
    yield Request('PUT', '/allocations/%s' % consumer,
                  body=alloc_body(w.choice(['1.8', '1.12', '1.28', '1.38']),
                                  {rp: {'VCPU': 1}}),
                  version=w.choice(['1.8', '1.12', '1.28', '1.38']))
    yield Request('PUT', '/allocations/%s' % consumer,
                  body=alloc_body('1.0', {rp: {'VCPU': 1}}),
                  version=w.choice(['1.0', '1.5', '1.7']))
    for version in ('1.12', '1.28', '1.38'):
        yield Request('GET', '/allocations/%s' % consumer, version=version)
    fresh = w.uuid()
    yield Request('PUT', '/allocations/%s' % fresh,
                  body=alloc_body('1.0', {rp: {'VCPU': 1}}), version='1.7')
    for version in ('1.12', '1.28', '1.38'):
        yield Request('GET', '/allocations/%s' % fresh, version=version)
    yield Request('GET', '/usages',
                  query=[('project_id', '00000000-0000-0000-0000-000000000000')],
                  version='1.38')
    # 1.8 requires both project and user.
    for body in ({'allocations': [{'resource_provider': {'uuid': rp},
                                   'resources': {'VCPU': 1}}],
                  'project_id': 'p'},
                 {'allocations': [{'resource_provider': {'uuid': rp},
                                   'resources': {'VCPU': 1}}]}):
        yield Request('PUT', '/allocations/%s' % w.uuid(), body=body,
                      version='1.8')


ALLOC_AMOUNT_EDGES = [0, -1, 1, 3, 7, 2147483647, 2147483648, '1', 1.0,
                      None]


def allocation_edges(w):
    rp = yield from compute_node(w)
    version = w.choice(['1.0', '1.11', '1.12', '1.27', '1.28', '1.37',
                        '1.38', 'latest'])
    for amount in ALLOC_AMOUNT_EDGES:
        cls = w.choice(['VCPU', 'MEMORY_MB', 'DISK_GB', 'PCPU',
                        'CUSTOM_NOT_THERE', 'bad-class'])
        consumer = w.uuid()
        body = alloc_body(version, {rp: {cls: amount}})
        yield Request('PUT', '/allocations/%s' % consumer, body=body,
                      version=version)
        yield Request('GET', '/allocations/%s' % consumer, version=version)
    # One new consumer per body: upstream keeps the consumer of a failed
    # write (the deviation "Failed writes leave no consumer"), and reusing
    # it would make every later write and list differ because of that one.
    edge_bodies = (alloc_body(version, {w.uuid(): {'VCPU': 1}}),
                   alloc_body(version, {'bogus': {'VCPU': 1}}),
                   alloc_body(version, {rp: {}}),
                   alloc_body(version, {rp: {'VCPU': 1}},
                              project='', user='u'),
                   alloc_body(version, {rp: {'VCPU': 1}},
                              project='p' * 256, user='u'),
                   alloc_body(version, {rp: {'VCPU': 1}},
                              consumer_type=''),
                   alloc_body(version, {rp: {'VCPU': 1}},
                              consumer_type='lower'),
                   alloc_body(version, {rp: {'VCPU': 1}},
                              consumer_type='X' * 256),
                   {'allocations': {}},
                   {'allocations': []},
                   {},
                   dict(alloc_body(version, {rp: {'VCPU': 1}}), extra=1),
                   dict(alloc_body(version, {rp: {'VCPU': 1}}),
                        mappings={'': [rp]}),
                   dict(alloc_body(version, {rp: {'VCPU': 1}}),
                        mappings={'_a': [rp]}))
    for body in edge_bodies:
        consumer = w.uuid()
        yield Request('PUT', '/allocations/%s' % consumer, body=body,
                      version=version)
    for path in ('/allocations/not-a-uuid', '/allocations/%s'
                 % consumer.upper(), '/allocations/%s'
                 % consumer.replace('-', '')):
        yield Request('GET', path, version=version)
        yield Request('PUT', path,
                      body=alloc_body(version, {rp: {'VCPU': 1}}),
                      version=version)
        yield Request('DELETE', path, version=version)


def post_allocations(w):
    """POST /allocations (1.13): several consumers, moves, clears."""
    rp1 = yield from compute_node(w)
    rp2 = yield from compute_node(w)
    c1, c2, c3 = w.uuid(), w.uuid(), w.uuid()
    version = w.choice(['1.12', '1.13', '1.27', '1.28', '1.34', '1.38',
                        'latest'])
    minor = MAX if version == 'latest' else int(version.split('.')[1])

    def entry(allocs, gen=None, ctype='INSTANCE'):
        body = {'allocations': {rp: {'resources': res}
                                for rp, res in allocs.items()},
                'project_id': 'proj-m', 'user_id': 'user-m'}
        if minor >= 28:
            body['consumer_generation'] = gen
        if minor >= 38:
            body['consumer_type'] = ctype
        return body
    yield Request('POST', '/allocations', version=version, body={
        c1: entry({rp1: {'VCPU': 2}}), c2: entry({rp2: {'VCPU': 1}})})
    yield Request('GET', '/allocations/%s' % c1, version=version)
    yield Request('POST', '/allocations', version=version, body={
        c1: entry({}, gen=1), c3: entry({rp2: {'VCPU': 2}})})
    yield Request('POST', '/allocations', version=version, body={
        c2: entry({rp1: {'VCPU': 100}}, gen=1)})
    yield Request('POST', '/allocations', version=version, body={
        c2: entry({rp1: {'VCPU': 1}}, gen=7)})
    yield Request('POST', '/allocations', version=version, body={
        w.uuid(): entry({w.uuid(): {'VCPU': 1}})})
    yield Request('POST', '/allocations', version=version, body={
        'bogus': entry({rp1: {'VCPU': 1}})})
    yield Request('POST', '/allocations', version=version, body={})
    yield Request('POST', '/allocations', version=version, body=[])
    yield Request('POST', '/allocations', version=version, body={
        c3: entry({rp1: {'VCPU': 1}}, gen=1, ctype='MIGRATION'),
        c3.upper(): entry({rp1: {'VCPU': 1}}, gen=1)})
    for c in (c1, c2, c3):
        yield Request('GET', '/allocations/%s' % c, version='latest')
    for rp in (rp1, rp2):
        yield Request('GET', '/resource_providers/%s/allocations' % rp)
        yield Request('GET', '/resource_providers/%s/usages' % rp)
    yield Request('GET', '/usages', query=[('project_id', 'proj-m')])


def trait_edges(w):
    rp = yield from create_provider(w)
    t1, t2 = w.trait(), w.trait()
    version = w.choice(['1.5', '1.6', '1.15', 'latest'])
    for name in (t1, t2, 'CUSTOM_', 'CUSTOM_lower', 'NOT_CUSTOM',
                 'CUSTOM_' + 'A' * 249, 'CUSTOM_' + 'A' * 250,
                 'HW_CPU_X86_AVX', 'CUSTOM_WITH-DASH'):
        yield Request('PUT', '/traits/%s' % name, version=version)
        yield Request('GET', '/traits/%s' % name, version=version)
    queries = [[], [('name', 'in:%s,%s' % (t1, t2))],
               [('name', 'startswith:CUSTOM_TR_%d' % w.seed)],
               [('name', 'in:')], [('name', 'startswith:')],
               [('name', 'bogus')], [('name', 'in:%s, %s' % (t1, t2))],
               [('associated', 'true')], [('associated', 'false')],
               [('associated', 'True')], [('associated', 'maybe')],
               [('associated', '')], [('name', 'in:%s' % t1),
                                      ('associated', 'true')],
               [('name', 'in:%s' % t1), ('name', 'in:%s' % t2)],
               [('unknown', 'x')]]
    for query in queries:
        yield traits_list(query, version)
    for body in ({'traits': [t1], 'resource_provider_generation': 0},
                 {'traits': [t1, t1], 'resource_provider_generation': 1},
                 {'traits': [t1, 'CUSTOM_UNKNOWN_%s' % w.tag()],
                  'resource_provider_generation': 1},
                 {'traits': ['lower'], 'resource_provider_generation': 1},
                 {'traits': [], 'resource_provider_generation': 9},
                 {'traits': [t2, 'HW_CPU_X86_AVX']},
                 {'traits': t1, 'resource_provider_generation': 1},
                 {'traits': [t2, 'HW_CPU_X86_AVX'],
                  'resource_provider_generation': 1, 'x': 1},
                 {'traits': [t2, 'HW_CPU_X86_AVX'],
                  'resource_provider_generation': 1}):
        yield Request('PUT', '/resource_providers/%s/traits' % rp,
                      body=body, version=version)
        yield Request('GET', '/resource_providers/%s/traits' % rp,
                      version=version)
    yield Request('DELETE', '/traits/%s' % t2, version=version)
    yield Request('DELETE', '/traits/HW_CPU_X86_AVX', version=version)
    yield Request('DELETE', '/traits/CUSTOM_NEVER_%s' % w.tag(),
                  version=version)
    yield Request('GET', '/resource_providers', version=w.version(18),
                  query=[('required', t2)])
    yield Request('DELETE', '/resource_providers/%s/traits' % rp,
                  version=version)
    yield Request('DELETE', '/traits/%s' % t2, version=version)
    yield Request('DELETE', '/traits/%s' % t1, version=version)
    yield traits_list([('name', 'in:%s,%s' % (t1, t2))], version)


def aggregate_edges(w):
    rp = yield from create_provider(w)
    a1, a2 = w.uuid(), w.uuid()
    for version in ('1.0', '1.1', '1.18', '1.19', 'latest'):
        gen = yield from generation(w, rp)
        for aggs in ([a1, a2], [a1, a1], ['bogus'], [], [a1.upper()],
                     [a2.replace('-', '')]):
            minor = MAX if version == 'latest' else int(version[2:])
            if minor >= 19:
                body = {'aggregates': aggs,
                        'resource_provider_generation': gen}
            else:
                body = aggs
            resp = yield Request('PUT', '/resource_providers/%s/aggregates'
                                 % rp, body=body, version=version)
            if resp.status == 200:
                gen = resp.json.get('resource_provider_generation', gen)
            yield Request('GET', '/resource_providers/%s/aggregates' % rp,
                          version=version)
        yield Request('PUT', '/resource_providers/%s/aggregates' % rp,
                      body={'aggregates': [a1]}, version=version)
        yield Request('PUT', '/resource_providers/%s/aggregates' % rp,
                      body={'aggregates': [a1],
                            'resource_provider_generation': 999},
                      version=version)
    yield Request('GET', '/resource_providers/%s/aggregates' % w.uuid(),
                  version='1.1')


def resource_class_edges(w):
    rc = w.rc()
    version = w.choice(['1.1', '1.2', '1.6', '1.7', 'latest'])
    for name in (rc, rc, 'CUSTOM_', 'CUSTOM_lower', 'VCPU', 'NOT_CUSTOM',
                 'CUSTOM_' + 'A' * 248, 'CUSTOM_' + 'A' * 249, ''):
        yield Request('POST', '/resource_classes', body={'name': name},
                      version=version)
        yield Request('GET', '/resource_classes/%s' % (name or 'x'),
                      version=version)
    for body in ({}, {'name': 5}, {'name': rc, 'x': 1}, []):
        yield Request('POST', '/resource_classes', body=body,
                      version=version)
    rc2 = w.rc()
    yield Request('PUT', '/resource_classes/%s' % rc2, version=version)
    yield Request('PUT', '/resource_classes/%s' % rc2, version=version)
    yield Request('PUT', '/resource_classes/%s' % rc,
                  body={'name': w.rc()}, version=version)
    yield Request('PUT', '/resource_classes/VCPU',
                  body={'name': w.rc()}, version=version)
    yield Request('PUT', '/resource_classes/VCPU', version=version)
    # In use by an inventory: no delete.
    rp = yield from create_provider(w)
    yield from set_inventory(w, rp, {rc: {'total': 5}}, gen=0)
    yield Request('DELETE', '/resource_classes/%s' % rc, version=version)
    yield Request('DELETE', '/resource_classes/VCPU', version=version)
    yield Request('DELETE', '/resource_classes/%s' % rc2, version=version)
    yield Request('DELETE', '/resource_classes/%s' % rc2, version=version)
    yield Request('GET', '/resource_classes/%s' % rc2, version=version)
    yield Request('DELETE', '/resource_providers/%s' % rp)
    yield Request('DELETE', '/resource_classes/%s' % rc, version=version)


def provider_list_queries(w):
    """GET /resource_providers with each query parameter, at its first
    microversion and the one before, with edge values."""
    t = w.trait()
    yield Request('PUT', '/traits/%s' % t)
    agg = w.uuid()
    root = yield from compute_node(w, traits=[t, 'HW_CPU_X86_SSE'])
    child = yield from compute_node(w, parent=root,
                                    classes={'SRIOV_NET_VF': {'total': 8}})
    yield Request('PUT', '/resource_providers/%s/aggregates' % child,
                  body={'aggregates': [agg],
                        'resource_provider_generation': 1})
    resp = yield Request('GET', '/resource_providers/%s' % root)
    name = resp.json['name'] if resp.json else 'x'
    cases = [
        (0, 'name', name), (0, 'name', name.upper()), (0, 'name', ''),
        (0, 'name', ' ' + name), (0, 'uuid', root), (0, 'uuid', 'bogus'),
        (0, 'uuid', root.upper()), (0, 'uuid', ''),
        (3, 'member_of', agg), (3, 'member_of', 'in:%s' % agg),
        (3, 'member_of', 'in:%s,%s' % (agg, w.uuid())),
        (3, 'member_of', 'in:%s, %s' % (agg, w.uuid())),
        (3, 'member_of', 'bogus'), (3, 'member_of', ''),
        (3, 'member_of', 'in:'), (32, 'member_of', '!%s' % agg),
        (32, 'member_of', '!in:%s' % agg),
        (32, 'member_of', 'in:!%s' % agg),
        (4, 'resources', 'VCPU:1'), (4, 'resources', 'VCPU:1,MEMORY_MB:256'),
        (4, 'resources', 'VCPU:0'), (4, 'resources', 'VCPU:-1'),
        (4, 'resources', 'VCPU'), (4, 'resources', 'VCPU:1,VCPU:2'),
        (4, 'resources', 'CUSTOM_NOPE:1'), (4, 'resources', ''),
        (4, 'resources', 'VCPU:1, MEMORY_MB:256'),
        (4, 'resources', 'vcpu:1'), (4, 'resources', 'VCPU:17'),
        (4, 'resources', 'DISK_GB:51'), (4, 'resources', 'VCPU:a'),
        (14, 'in_tree', root), (14, 'in_tree', child),
        (14, 'in_tree', w.uuid()), (14, 'in_tree', 'bogus'),
        (14, 'in_tree', ''),
        (18, 'required', t), (18, 'required', '%s,HW_CPU_X86_SSE' % t),
        (18, 'required', 'CUSTOM_NOPE'), (18, 'required', ''),
        (18, 'required', '!%s' % t), (22, 'required', '!%s' % t),
        (22, 'required', '%s,!%s' % (t, t)),
        (22, 'required', '%s, HW_CPU_X86_SSE' % t),
        (39, 'required', 'in:%s,HW_CPU_X86_AVX' % t),
        (39, 'required', 'in:'), (39, 'required', '!in:%s' % t),
        (22, 'required', '!!%s' % t), (22, 'required', '!'),
        (39, 'required', 'in:%s,!HW_CPU_X86_SSE' % t),
        (0, 'bogus', 'x'), (0, 'limit', '1'),
    ]
    for minor, key, value in cases:
        for version in {v(max(minor - 1, 0)), v(minor), 'latest'}:
            yield Request('GET', '/resource_providers',
                          query=[(key, value)], version=version)
    for version in ('1.17', '1.18', '1.24', 'latest'):
        for query in ([('member_of', agg), ('member_of', agg)],
                      [('required', t), ('required', 'HW_CPU_X86_SSE')],
                      [('resources', 'VCPU:1'), ('resources', 'VCPU:1')],
                      [('name', name), ('name', name)],
                      [('in_tree', root), ('resources', 'SRIOV_NET_VF:1'),
                       ('required', t)]):
            yield Request('GET', '/resource_providers', query=query,
                          version=version)


def candidate_queries(w):
    """GET /allocation_candidates with each parameter around its first
    microversion, edge values and contradictions."""
    t = w.trait()
    yield Request('PUT', '/traits/%s' % t)
    agg = w.uuid()
    root = yield from compute_node(w, traits=[t, 'HW_NUMA_ROOT'])
    numa = yield from compute_node(w, parent=root,
                                   classes={'VCPU': {'total': 4},
                                            'MEMORY_MB': {'total': 2048}},
                                   traits=['HW_NUMA_ROOT'])
    nic = yield from compute_node(w, parent=root,
                                  classes={'SRIOV_NET_VF': {'total': 8}},
                                  traits=['HW_CPU_X86_AVX'])
    share = yield from compute_node(w, classes={'DISK_GB': {'total': 500}},
                                    traits=['MISC_SHARES_VIA_AGGREGATE'])
    for rp, gen in ((root, 2), (share, 2)):
        yield Request('PUT', '/resource_providers/%s/aggregates' % rp,
                      body={'aggregates': [agg],
                            'resource_provider_generation': gen})
    base = [('resources', 'VCPU:1')]
    cases = [
        (10, base), (10, [('resources', 'VCPU:1,DISK_GB:10')]),
        (10, []), (10, [('resources', '')]),
        (10, [('resources', 'VCPU:0')]), (10, [('resources', 'NOPE:1')]),
        (10, [('resources', 'VCPU:1,VCPU:1')]),
        (10, [('resources', 'VCPU:1, MEMORY_MB:1')]),
        (16, base + [('limit', '1')]), (16, base + [('limit', '0')]),
        (16, base + [('limit', '-1')]), (16, base + [('limit', 'a')]),
        (16, base + [('limit', '')]),
        (17, base + [('required', t)]),
        (17, base + [('required', '!%s' % t)]),
        (22, base + [('required', '!%s' % t)]),
        (17, base + [('required', '%s,!%s' % (t, t))]),
        (22, base + [('required', '%s,!%s' % (t, t))]),
        (17, base + [('required', '')]),
        (17, base + [('required', 'CUSTOM_NOPE')]),
        (21, base + [('member_of', agg)]),
        (21, base + [('member_of', 'in:%s,%s' % (agg, w.uuid()))]),
        (21, base + [('member_of', 'bogus')]),
        (32, base + [('member_of', '!%s' % agg)]),
        (24, base + [('member_of', agg), ('member_of', agg)]),
        (25, [('resources1', 'VCPU:1'), ('resources2', 'SRIOV_NET_VF:1')]),
        (25, [('resources1', 'VCPU:1'), ('resources2', 'SRIOV_NET_VF:1'),
              ('group_policy', 'isolate')]),
        (25, [('resources1', 'VCPU:1'), ('resources2', 'VCPU:1'),
              ('group_policy', 'none')]),
        (25, [('resources1', 'VCPU:1'), ('resources2', 'VCPU:1'),
              ('group_policy', 'isolate')]),
        (25, [('resources1', 'VCPU:1'), ('group_policy', 'bogus')]),
        (25, [('resources1', 'VCPU:1'), ('required1', t)]),
        (25, [('resources1', 'VCPU:1'), ('required2', t)]),
        (25, [('resources1', 'VCPU:1'), ('member_of1', agg)]),
        (25, [('resourcesX', 'VCPU:1')]),
        (25, [('resources_a', 'VCPU:1')]),
        (33, [('resources_a', 'VCPU:1')]),
        (33, [('resources_' + 'a' * 64, 'VCPU:1')]),
        (33, [('resources_' + 'a' * 65, 'VCPU:1')]),
        (33, [('resources_a-b', 'VCPU:1')]),
        (29, [('resources', 'VCPU:1,DISK_GB:10')]),
        (31, base + [('in_tree', root)]),
        (31, base + [('in_tree', share)]),
        (31, base + [('in_tree', 'bogus')]),
        (31, [('resources1', 'VCPU:1'), ('in_tree1', numa)]),
        (35, base + [('root_required', t)]),
        (35, base + [('root_required', '!%s' % t)]),
        (35, base + [('root_required', '%s,!%s' % (t, t))]),
        (35, base + [('root_required', '%s,%s' % (t, t))]),
        (35, base + [('root_required', 'CUSTOM_NOPE')]),
        (35, base + [('root_required', '')]),
        (35, base + [('root_required', t), ('root_required', t)]),
        (35, base + [('root_required', '%s, HW_NUMA_ROOT' % t)]),
        (36, [('resources_a', 'VCPU:1'), ('resources_b', 'SRIOV_NET_VF:1'),
              ('same_subtree', '_a,_b'), ('group_policy', 'none')]),
        (36, [('resources_a', 'VCPU:1'), ('resources_b', 'SRIOV_NET_VF:1'),
              ('same_subtree', '_a, _b'), ('group_policy', 'none')]),
        (36, [('resources_a', 'VCPU:1'), ('same_subtree', '_a,_c'),
              ('group_policy', 'none')]),
        (36, [('resources_a', 'VCPU:1'), ('same_subtree', ''),
              ('group_policy', 'none')]),
        (36, [('resources_a', 'VCPU:1'), ('required_b', 'HW_NUMA_ROOT'),
              ('same_subtree', '_a,_b'), ('group_policy', 'none')]),
        (36, [('required_b', 'HW_NUMA_ROOT')]),
        (36, [('resources_a', 'VCPU:1'), ('required_b', '!HW_NUMA_ROOT'),
              ('same_subtree', '_a,_b'), ('group_policy', 'none')]),
        (36, [('resources_a', 'VCPU:1'), ('member_of_b', '!%s' % agg),
              ('same_subtree', '_a,_b'), ('group_policy', 'none')]),
        (36, [('resources_a', 'VCPU:1'), ('resources_b', 'SRIOV_NET_VF:1'),
              ('same_subtree', '_a,_b'), ('same_subtree', '_a'),
              ('group_policy', 'isolate')]),
        (39, base + [('required', 'in:%s,HW_CPU_X86_AVX' % t)]),
        (39, base + [('required', 'in:%s' % t), ('required', '!HW_NUMA_ROOT')]),
        (39, base + [('required', '!in:%s' % t)]),
        (39, [('resources', 'VCPU:1'), ('resources_n', 'SRIOV_NET_VF:1'),
              ('required_n', 'in:HW_CPU_X86_AVX,%s' % t),
              ('group_policy', 'none')]),
        (22, base + [('required', '!!%s' % t)]),
        (22, base + [('required', '!!')]),
        (17, base + [('required', '!')]),
        (22, base + [('required', '%s,HW_CPU_X86_AVX,!%s,!HW_CPU_X86_AVX'
                      % (t, t))]),
        (25, base + [('resources1', 'VCPU:1'), ('required1', '!')]),
        (25, [('required2', t), ('required1', t), ('resources3', 'VCPU:1')]),
        (25, [('resources1', 'VCPU:1'), ('required2', '!%s' % t)]),
        (35, base + [('root_required', '%s,!!%s' % (t, t))]),
        (39, base + [('required', 'in:%s,!HW_CPU_X86_AVX' % t)]),
        (39, base + [('required', 'in:%s,HW_CPU_X86_AVX' % t),
                     ('required', '!%s,!HW_CPU_X86_AVX' % t)]),
        (25, [('resources', 'DISK_GB:10'), ('resources1', 'VCPU:1')]),
        (34, [('resources', 'DISK_GB:10'), ('resources1', 'VCPU:1'),
              ('group_policy', 'none')]),
        (10, base + [('bogus', '1')]),
        (10, [('resources', 'VCPU:1'), ('resources', 'VCPU:2')]),
        (10, [('RESOURCES', 'VCPU:1')]),
    ]
    for minor, query in cases:
        for version in {v(max(minor - 1, 10)), v(minor), 'latest'}:
            yield candidates(query, version)


def usage_queries(w):
    rp = yield from compute_node(w)
    project = 'proj-%s' % w.tag()
    for i, ctype in enumerate(['INSTANCE', 'MIGRATION', None]):
        consumer = w.uuid()
        version = '1.38' if ctype else '1.28'
        body = alloc_body(version, {rp: {'VCPU': 1, 'MEMORY_MB': 256}},
                          project=project, user='user-%d' % i,
                          consumer_type=ctype)
        yield Request('PUT', '/allocations/%s' % consumer, body=body,
                      version=version)
    for version in ('1.8', '1.9', '1.37', '1.38', 'latest'):
        for query in ([('project_id', project)],
                      [('project_id', project), ('user_id', 'user-1')],
                      [('user_id', 'user-1')], [],
                      [('project_id', '')],
                      [('project_id', project), ('consumer_type', 'INSTANCE')],
                      [('project_id', project), ('consumer_type', 'all')],
                      [('project_id', project), ('consumer_type', 'ALL')],
                      [('project_id', project), ('consumer_type', 'unknown')],
                      [('project_id', project), ('consumer_type', '')],
                      [('project_id', project),
                       ('consumer_type', 'INSTANCE,MIGRATION')],
                      [('project_id', project), ('bogus', 'x')],
                      [('project_id', project), ('project_id', project)]):
            yield Request('GET', '/usages', query=query, version=version)
        yield Request('GET', '/resource_providers/%s/usages' % rp,
                      version=version)


def reshaper_cases(w):
    root = yield from compute_node(w)
    child = yield from create_provider(w, parent=root)
    consumer = w.uuid()
    yield Request('PUT', '/allocations/%s' % consumer,
                  body=alloc_body('latest', {root: {'VCPU': 2}}))
    for version in ('1.29', '1.30', '1.38'):
        rgen = yield from generation(w, root)
        cgen = yield from generation(w, child)
        resp = yield Request('GET', '/allocations/%s' % consumer)
        cons_gen = (resp.json or {}).get('consumer_generation')
        alloc = {'allocations': {child: {'resources': {'VCPU': 2}}},
                 'project_id': 'proj-a', 'user_id': 'user-a',
                 'consumer_generation': cons_gen}
        if version == '1.38':
            alloc['consumer_type'] = 'INSTANCE'
        body = {'inventories': {
            root: {'resource_provider_generation': rgen,
                   'inventories': {'MEMORY_MB': {'total': 4096}}},
            child: {'resource_provider_generation': cgen,
                    'inventories': {'VCPU': {'total': 8}}}},
            'allocations': {consumer: alloc}}
        bad = {'inventories': {}, 'allocations': {}}
        yield Request('POST', '/reshaper', body=bad, version=version)
        yield Request('POST', '/reshaper', body=dict(body, extra=1),
                      version=version)
        stale = {'inventories': {root: dict(
            body['inventories'][root], resource_provider_generation=99)},
            'allocations': {}}
        yield Request('POST', '/reshaper', body=stale, version=version)
        yield Request('POST', '/reshaper', body=body, version=version)
        yield Request('GET', '/allocations/%s' % consumer)
        yield from reads_of_provider(child, 'latest')


SCENARIOS = [
    (provider_create_edges, 2), (provider_update_edges, 2),
    (inventory_edges, 3), (inventory_in_use, 2),
    (consumer_across_versions, 4), (old_writes_to_existing, 2),
    (allocation_edges, 3), (post_allocations, 2), (trait_edges, 2),
    (aggregate_edges, 1), (resource_class_edges, 2),
    (provider_list_queries, 1), (candidate_queries, 1), (usage_queries, 1),
    (reshaper_cases, 1),
]


# -- random provider trees and candidate searches over them -------------

def random_trees(w):
    """A few provider trees with the scenario's own classes and traits
    (so that the searches only see them), a sharing provider, some usage;
    then random searches over them."""
    rng = w.rng
    cls = [w.rc() for _ in range(3)]          # compute, memory, device
    disk = w.rc()
    traits = [w.trait() for _ in range(3)]
    for rc in cls + [disk]:
        yield Request('PUT', '/resource_classes/%s' % rc)
    for t in traits:
        yield Request('PUT', '/traits/%s' % t)
    agg = w.uuid()
    roots, everyone = [], []

    def inv(rc, total):
        record = {'total': total}
        if rng.random() < 0.3:
            record['reserved'] = rng.randint(0, total // 2)
        if rng.random() < 0.3:
            record['allocation_ratio'] = rng.choice([0.5, 1.5, 2.0, 16.0])
        if rng.random() < 0.2:
            record['max_unit'] = rng.randint(1, total)
        if rng.random() < 0.15:
            record['step_size'] = rng.choice([2, 4])
        return record

    def provider(parent, classes, tr):
        rp = yield from create_provider(w, parent=parent)
        everyone.append(rp)
        gen = 0
        if classes:
            yield from set_inventory(w, rp, {c: inv(c, rng.randint(1, 16))
                                             for c in classes}, gen=0)
            gen = 1
        if tr:
            yield Request('PUT', '/resource_providers/%s/traits' % rp,
                          body={'resource_provider_generation': gen,
                                'traits': tr})
            gen += 1
        return rp, gen

    for _ in range(rng.randint(1, 3)):
        root_classes = rng.sample(cls[:2], rng.randint(0, 2))
        root_traits = rng.sample(traits, rng.randint(0, 2))
        root, gen = yield from provider(None, root_classes, root_traits)
        roots.append(root)
        if rng.random() < 0.6:
            yield Request('PUT', '/resource_providers/%s/aggregates' % root,
                          body={'aggregates': [agg],
                                'resource_provider_generation': gen})
        for _ in range(rng.randint(0, 2)):
            numa, _ = yield from provider(
                root, rng.sample(cls[:2], rng.randint(1, 2)),
                ['HW_NUMA_ROOT'] + rng.sample(traits, rng.randint(0, 1)))
            for _ in range(rng.randint(0, 2)):
                yield from provider(numa, [cls[2]],
                                    rng.sample(traits, rng.randint(0, 2)))
    if rng.random() < 0.7:
        # Sometimes with a trait a tree may lack: the unsuffixed group can
        # take a required trait from a sharing provider.
        share, gen = yield from provider(
            None, [disk], ['MISC_SHARES_VIA_AGGREGATE'] +
            rng.sample(traits, rng.randint(0, 1)))
        yield Request('PUT', '/resource_providers/%s/aggregates' % share,
                      body={'aggregates': [agg],
                            'resource_provider_generation': gen})
    # Some usage.
    for rp in rng.sample(everyone, min(len(everyone), 2)):
        resp = yield Request('GET', '/resource_providers/%s/inventories'
                             % rp)
        invs = (resp.json or {}).get('inventories', {})
        if invs:
            rc = rng.choice(sorted(invs))
            yield Request('PUT', '/allocations/%s' % w.uuid(),
                          body=alloc_body('latest', {rp: {
                              rc: invs[rc].get('step_size', 1)}}))
    for _ in range(rng.randint(8, 16)):
        query, minor = random_search(w, cls, disk, traits, agg, roots)
        version = v(minor) if rng.random() < 0.8 else 'latest'
        if rng.random() < 0.1 and minor > 10:
            version = v(minor - 1)
        yield candidates(query, version)
    if rng.random() < 0.5:
        yield Request('GET', '/resource_providers', version='latest',
                      query=[('resources', '%s:1' % cls[0])])


def _trait_expr(w, traits, minor):
    """A required= value and the microversion it needs."""
    rng = w.rng
    pool = traits + ['HW_NUMA_ROOT', 'MISC_SHARES_VIA_AGGREGATE']
    picked = rng.sample(pool, rng.randint(1, 2))
    parts, need = [], 17
    for t in picked:
        roll = rng.random()
        if roll < 0.3:
            parts.append('!' + t)
            need = max(need, 22)
        elif roll < 0.45:
            parts.append('in:%s,%s' % (t, rng.choice(pool)))
            need = max(need, 39)
        else:
            parts.append(t)
    return parts, max(minor, need)


def random_search(w, cls, disk, traits, agg, roots):
    rng = w.rng
    query, minor = [], 10
    groups = []
    if rng.random() < 0.7:
        groups.append('')
    n_suffixed = rng.choice([0, 0, 1, 2, 3])
    for i in range(n_suffixed):
        if rng.random() < 0.5:
            groups.append(str(i + 1))
            minor = max(minor, 25)
        else:
            groups.append('_G%d' % i)
            minor = max(minor, 33)
    if not groups:
        groups.append('')
    pool = cls + [disk]
    for suffix in groups:
        resourceless = suffix and rng.random() < 0.15
        if not resourceless:
            picked = rng.sample(pool, rng.randint(1, 2))
            query.append(('resources' + suffix, ','.join(
                '%s:%d' % (c, rng.choice([1, 1, 2, 3])) for c in picked)))
        else:
            minor = max(minor, 35)
        if rng.random() < 0.35 or resourceless:
            parts, minor = _trait_expr(w, traits, minor)
            # One required= per group unless 1.39 in: syntax is in play.
            for part in parts:
                query.append(('required' + suffix, part))
                if len(parts) > 1:
                    minor = max(minor, 39)
        if rng.random() < 0.15:
            member = rng.choice([agg, '!' + agg, 'in:%s,%s' % (agg,
                                                                w.uuid())])
            query.append(('member_of' + suffix, member))
            minor = max(minor, 32 if member.startswith('!') else
                        (25 if suffix else 21))
        if rng.random() < 0.1 and roots:
            query.append(('in_tree' + suffix, rng.choice(roots)))
            minor = max(minor, 31)
    if len([g for g in groups if g]) > 1 or (
            len(groups) > 1 and rng.random() < 0.5):
        query.append(('group_policy', rng.choice(['none', 'isolate'])))
        minor = max(minor, 25)
    suffixed = [g for g in groups if g.startswith('_')]
    if len(suffixed) >= 2 and rng.random() < 0.4:
        query.append(('same_subtree', ','.join(
            rng.sample(suffixed, rng.randint(2, len(suffixed))))))
        minor = max(minor, 36)
    if rng.random() < 0.2:
        t = rng.choice(traits)
        query.append(('root_required', rng.choice([t, '!' + t])))
        minor = max(minor, 35)
    if rng.random() < 0.2:
        query.append(('limit', str(rng.choice([1, 2, 5]))))
        minor = max(minor, 16)
    if rng.random() < 0.3:
        minor = rng.randint(minor, MAX)
    return query, minor


SCENARIOS.append((random_trees, 6))


# -- HTTP-level edges: methods, paths, query strings, headers, tokens ---

def http_edges(w):
    rp = yield from compute_node(w, traits=['HW_CPU_X86_AVX'])
    consumer = w.uuid()
    yield Request('PUT', '/allocations/%s' % consumer,
                  body=alloc_body('latest', {rp: {'VCPU': 1}}))
    version = w.choice(['1.0', '1.14', '1.26', '1.30', 'latest'])
    paths = ['/', '/resource_providers', '/resource_providers/%s' % rp,
             '/resource_providers/%s/inventories' % rp, '/traits',
             '/resource_classes', '/allocations/%s' % consumer,
             '/usages', '/allocation_candidates', '/reshaper']
    for path in w.rng.sample(paths, 4):
        for method in ('HEAD', 'OPTIONS'):
            yield Request(method, path, version=version)
        for variant in (path + '/', path.upper(), '/' + path,
                        path + '//x'):
            yield Request('GET', variant, version=version)
    raw_queries = ['', '&', 'name', 'name=', '=x', 'name=a&&name=b',
                   'resources=VCPU%3A1', 'resources=VCPU:1+', 'name=%',
                   'name=%ZZ', 'required=%21HW_CPU_X86_AVX',
                   'member_of=in%3A' + w.uuid(), 'uuid=' + rp.upper(),
                   'uuid=%s&uuid=%s' % (rp, rp), 'in_tree=%s%%20' % rp,
                   'resources=VCPU:1&resources=', 'name=%C3%BC',
                   'limit=1', 'project_id=a&project_id=b']
    for query in raw_queries:
        for path in ('/resource_providers', '/allocation_candidates',
                     '/usages', '/traits'):
            if w.rng.random() < 0.5:
                yield get(path, query, w.choice(['1.0', '1.17', '1.31',
                                                 'latest']))
    # Content types and accept headers of a write.
    body = {'name': w.name(), 'uuid': w.uuid()}
    for ctype in ('application/json; charset=UTF-8', 'APPLICATION/JSON',
                  'application/json;charset=utf-8', 'text/json',
                  'application/x-www-form-urlencoded', ''):
        body = {'name': w.name(), 'uuid': w.uuid()}
        yield Request('POST', '/resource_providers', body=body,
                      version=version, headers={'Content-Type': ctype})
    for accept in ('application/xml', 'text/plain, application/json',
                   'application/json;q=0', 'application/*', '*/*;q=0.1',
                   'text/html'):
        yield Request('GET', '/resource_providers/%s' % rp,
                      version=version, headers={'Accept': accept})
        yield Request('GET', '/resource_providers/%s' % w.uuid(),
                      version=version, headers={'Accept': accept})
    # A body where none is expected, none where one is.
    yield Request('DELETE', '/allocations/%s' % w.uuid(), body={'x': 1})
    yield Request('GET', '/resource_providers', body={'x': 1})
    for path in ('/resource_providers/%s/inventories' % rp,
                 '/resource_providers/%s/traits' % rp,
                 '/resource_providers/%s/aggregates' % rp,
                 '/allocations/%s' % consumer, '/resource_providers/%s' % rp):
        yield Request('PUT', path, version=version)
    yield Request('POST', '/resource_providers', version=version)
    yield Request('POST', '/allocations', version=version)
    # JSON values beyond the usual.
    for raw in (b'{"name": "a", "name": "b"}', b'{"name": 1e400}',
                b'{"name": "\\ud800"}', b'{"name": NaN}',
                b'\xef\xbb\xbf{"name": "bom"}', b'{"name": "a"}\n\n'):
        yield Request('POST', '/resource_providers', body=raw,
                      version=version)
    gen = yield from generation(w, rp)
    for raw in (b'{"resource_provider_generation": %d, "inventories": '
                b'{"VCPU": {"total": 1e3}}}' % gen,
                b'{"resource_provider_generation": %d.0, "inventories": '
                b'{"VCPU": {"total": 10}}}' % gen,
                b'{"resource_provider_generation": true, "inventories": '
                b'{"VCPU": {"total": 10}}}'):
        yield Request('PUT', '/resource_providers/%s/inventories' % rp,
                      body=raw, version=version)


def tokens(w):
    """Requests of users other than the admin, and without a token."""
    rp = yield from compute_node(w)
    consumer = w.uuid()
    yield Request('PUT', '/allocations/%s' % consumer,
                  body=alloc_body('latest', {rp: {'VCPU': 1}},
                                  project='proj-t', user='user-t'))
    calls = [('GET', '/'), ('GET', '/resource_providers'),
             ('GET', '/resource_providers/%s' % rp),
             ('POST', '/resource_providers'),
             ('DELETE', '/resource_providers/%s' % rp),
             ('GET', '/resource_providers/%s/inventories' % rp),
             ('GET', '/resource_providers/%s/usages' % rp),
             ('GET', '/resource_providers/%s/traits' % rp),
             ('GET', '/resource_providers/%s/aggregates' % rp),
             ('GET', '/resource_providers/%s/allocations' % rp),
             ('GET', '/allocations/%s' % consumer),
             ('DELETE', '/allocations/%s' % consumer),
             ('GET', '/allocation_candidates?resources=VCPU:1'),
             ('GET', '/usages?project_id=proj-t'),
             ('GET', '/traits'), ('PUT', '/traits/CUSTOM_TOK'),
             ('GET', '/resource_classes'), ('POST', '/reshaper'),
             ('POST', '/allocations')]
    for token, roles in (('user-t:proj-t', None), ('user-t:proj-t', 'reader'),
                         ('other:proj-x', 'admin'), (None, None),
                         ('', None), ('user-t', 'member')):
        for method, path in w.rng.sample(calls, 6):
            headers = {}
            if token is None:
                headers['X-Auth-Token'] = ''
            else:
                headers['X-Auth-Token'] = token
            if roles:
                headers['X-Roles'] = roles
            p, _, q = path.partition('?')
            if method == 'GET':
                # Compared as the route needs (candidates in any order).
                yield get(p, q or None, w.version(10), headers=headers)
                continue
            body = {} if method in ('POST', 'PUT') else None
            yield Request(method, p, query=q or None, headers=headers,
                          body=body, version=w.version(10))


def negotiation_order(w):
    """Requests that fail more than one check (microversion, Accept, the
    body's type, policy, an unknown provider): which answer they get
    depends on the order of the checks of each route."""
    rp = yield from compute_node(w)
    consumer = w.uuid()
    gets = [('/resource_providers', 0), ('/resource_providers/%s' % rp, 0),
            ('/resource_providers/%s/inventories' % rp, 0),
            ('/resource_providers/%s/inventories/VCPU' % rp, 0),
            ('/resource_providers/%s/usages' % rp, 0),
            ('/resource_providers/%s/aggregates' % rp, 1),
            ('/resource_providers/%s/allocations' % rp, 0),
            ('/resource_providers/%s/traits' % rp, 6),
            ('/resource_classes', 2), ('/resource_classes/VCPU', 2),
            ('/traits', 6), ('/traits/HW_CPU_X86_AVX', 6),
            ('/allocations/%s' % consumer, 0),
            ('/allocation_candidates?resources=VCPU:1', 10),
            ('/usages?project_id=p', 9), ('/', 0)]
    for path, minor in gets:
        p, _, q = path.partition('?')
        for version in {v(max(minor - 1, 0)), v(minor), 'latest'}:
            for accept in ('text/html', 'application/xml;q=0.9'):
                yield get(p, q or None, version,
                          headers={'Accept': accept})
    unknown = w.uuid()
    writes = [('PUT', '/resource_providers/%s' % rp, 0),
              ('POST', '/resource_providers', 0),
              ('POST', '/resource_providers/%s/inventories' % rp, 0),
              ('PUT', '/resource_providers/%s/inventories' % unknown, 0),
              ('PUT', '/resource_providers/%s/inventories/VCPU' % rp, 0),
              ('PUT', '/resource_providers/%s/aggregates' % rp, 1),
              ('PUT', '/resource_providers/%s/aggregates' % unknown, 1),
              ('PUT', '/resource_providers/%s/traits' % rp, 6),
              ('POST', '/resource_classes', 2),
              ('PUT', '/resource_classes/CUSTOM_NEG', 2),
              ('PUT', '/resource_classes/CUSTOM_NEG', 7),
              ('PUT', '/allocations/%s' % consumer, 0),
              ('POST', '/allocations', 13), ('POST', '/reshaper', 30)]
    for method, path, minor in writes:
        for version in {v(max(minor - 1, 0)), v(minor), 'latest'}:
            for token in ('admin', 'someone'):
                for ctype, body in (('text/plain', b'x'),
                                    (None, None)):
                    headers = {'X-Auth-Token': token}
                    if ctype:
                        headers['Content-Type'] = ctype
                    yield Request(method, path, version=version,
                                  body=body, headers=headers)
    yield Request('POST', '/no/such/route', body=b'xx',
                  headers={'Content-Type': ''})


SCENARIOS.extend([(http_edges, 2), (tokens, 1), (negotiation_order, 1)])


def scenarios(w, only=None):
    """The sweep, then every scenario once, then scenarios drawn at
    random by weight, for ever (the runner stops at its budget).
    ``only``: names of the scenarios to use."""
    chosen = [(s, wt) for s, wt in SCENARIOS
              if not only or s.__name__ in only]
    if not only or 'sweep' in only:
        yield sweep
    for scenario, _weight in chosen:
        yield scenario
    population = [s for s, wt in chosen if wt]
    weights = [wt for _, wt in chosen if wt]
    while True:
        yield w.rng.choices(population, weights)[0]
