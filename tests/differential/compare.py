"""Sending one request to both servers and telling their answers apart.

A difference has a class (``status``, ``error_code``, ``header``,
``body``, ``ordering``) and a short description. What is masked before
comparing, because the servers choose it themselves: request ids, the
value of Last-Modified (its presence is compared), uuids the client did
not supply (replaced by their order of first appearance, so that two
answers naming the same generated provider twice still compare equal),
and the host:port of absolute URLs.
"""
import concurrent.futures
import http.client
import json
import re
import urllib.parse

UUID_RE = re.compile(
    r'[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?'
    r'[0-9a-fA-F]{12}')
HOST_RE = re.compile(r'https?://127\.0\.0\.1:\d+')

# Headers compared by value (lower case); Last-Modified by presence only.
COMPARED_HEADERS = ('content-type', 'location', 'cache-control',
                    'openstack-api-version', 'vary')
PRESENCE_HEADERS = ('last-modified',)


class Request:
    """One HTTP request of a sequence.

    ``query`` is a list of (name, value) pairs sent in that order (or a
    raw, already encoded string); ``version`` the microversion of the
    OpenStack-API-Version header (None: no header); ``body`` a JSON-able
    object, or bytes sent as they are; ``unordered`` names JSON paths
    whose list order upstream does not define (compared as sets).
    """

    def __init__(self, method, path, query=None, version='latest',
                 body=None, headers=None, unordered=(), key_order=True):
        self.method = method
        self.path = path
        self.query = query
        self.version = version
        self.body = body
        self.headers = headers or {}
        self.unordered = unordered
        # False: the order of keys is upstream's implementation detail
        # (it follows its internal sets) and is not compared.
        self.key_order = key_order

    def url(self):
        path = urllib.parse.quote(self.path, safe='/:!,')
        if not self.query:
            return path
        if isinstance(self.query, str):
            return path + '?' + self.query
        return path + '?' + urllib.parse.urlencode(self.query,
                                                   quote_via=_quote)

    def describe(self):
        text = '%s %s @%s' % (self.method, self.url(), self.version)
        if self.body is not None:
            body = (self.body if isinstance(self.body, bytes)
                    else json.dumps(self.body))
            text += ' ' + str(body)[:400]
        return text


def _quote(value, safe='', encoding=None, errors=None):
    return urllib.parse.quote(value, safe=':!,' + safe)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.raw = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None


def send(port, request, timeout=60):
    headers = {'X-Auth-Token': 'admin', 'Accept': 'application/json'}
    if request.version is not None:
        headers['OpenStack-API-Version'] = 'placement %s' % request.version
    data = None
    if request.body is not None:
        data = (request.body if isinstance(request.body, bytes)
                else json.dumps(request.body).encode())
        headers['Content-Type'] = 'application/json'
    headers.update(request.headers)
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=timeout)
    try:
        conn.request(request.method, request.url(), body=data,
                     headers=headers)
        resp = conn.getresponse()
        return Response(resp.status,
                        {k.lower(): v for k, v in resp.getheaders()},
                        resp.read())
    finally:
        conn.close()


class Pair:
    """Sends each request to upstream and to this service at once."""

    def __init__(self, upstream_port, our_port):
        self.ports = (upstream_port, our_port)
        self.pool = concurrent.futures.ThreadPoolExecutor(2)

    def send(self, request):
        futures = [self.pool.submit(send, port, request)
                   for port in self.ports]
        return tuple(f.result() for f in futures)

    def close(self):
        self.pool.shutdown()


class Masker:
    """Replaces the uuids the client did not choose by <uuid-N>."""

    def __init__(self, known):
        self.known = known
        self.seen = {}

    def text(self, value):
        value = HOST_RE.sub('', value)

        def repl(match):
            found = match.group(0)
            if found in self.known:
                return found
            # Spelled as the server spelled it: an answer that spells a
            # uuid differently is a difference.
            self.seen.setdefault(found, '<uuid-%d>' % len(self.seen))
            return self.seen[found]
        return UUID_RE.sub(repl, value)

    def json(self, value):
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                if key == 'request_id':
                    item = '<request-id>'
                out[self.text(key)] = self.json(item)
            return out
        if isinstance(value, list):
            return [self.json(item) for item in value]
        if isinstance(value, str):
            return self.text(value)
        return value


def canonical(value):
    """``value`` with every dict's keys sorted and lists sorted: order-free
    equality."""
    if isinstance(value, dict):
        return {k: canonical(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        items = [canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return value


def _integral(value):
    """JSON does not tell 2 from 2.0: integral floats become ints."""
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _sorted_keys(value):
    if isinstance(value, dict):
        return {k: _sorted_keys(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted_keys(v) for v in value]
    return value


def _unorder(value, paths, here=''):
    """Sort the lists at ``paths`` (dotted, '*' for any key)."""
    if isinstance(value, dict):
        return {k: _unorder(v, paths, here + '.' + k if here else k)
                for k, v in value.items()}
    if isinstance(value, list):
        items = [_unorder(v, paths, here + '.[]') for v in value]
        if any(_matches(p, here) for p in paths):
            items = sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
        return items
    return value


def _matches(pattern, path):
    parts, names = pattern.split('.'), path.split('.')
    return len(parts) == len(names) and all(
        p in ('*', n) for p, n in zip(parts, names))


# A Python list of strings quoted in a message, e.g. "bad group(s) -
# ['2', '1']": upstream builds some of them from a set, whose order
# changes with the hash seed of its process.
LISTED_RE = re.compile(r"\[('[^']*'(?:, '[^']*')*)\]")


def _sorted_listings(detail):
    return LISTED_RE.sub(
        lambda m: '[%s]' % ', '.join(sorted(m.group(1).split(', '))),
        detail or '')


def _error_code(body):
    try:
        return [e.get('code') for e in body['errors']]
    except (TypeError, KeyError, AttributeError):
        return None


def differences(request, upstream, ours, known_uuids, ordered=True):
    """[(class, description)] of the two answers to ``request``;
    ``ordered=False``: the order of keys and lists is not compared."""
    found = []
    if upstream.status != ours.status:
        found.append(('status', '%s != %s' % (upstream.status, ours.status)))
    masks = [Masker(known_uuids), Masker(known_uuids)]
    for name in COMPARED_HEADERS:
        values = [m.text(r.headers[name]) if name in r.headers else None
                  for m, r in zip(masks, (upstream, ours))]
        if values[0] != values[1]:
            found.append(('header', '%s: %r != %r' % (name, *values)))
    for name in PRESENCE_HEADERS:
        present = [name in r.headers for r in (upstream, ours)]
        if present[0] != present[1]:
            found.append(('header', '%s present: %s != %s'
                          % (name, *present)))
    if upstream.json is None or ours.json is None:
        if (upstream.json is None) != (ours.json is None) or (
                upstream.raw != ours.raw):
            found.append(('body', 'non-JSON bodies differ: %r != %r'
                          % (upstream.raw[:200], ours.raw[:200])))
        return found
    bodies = [_integral(m.json(r.json)) for m, r in zip(masks,
                                                         (upstream, ours))]
    codes = [_error_code(b) for b in bodies]
    if codes[0] != codes[1]:
        found.append(('error_code', '%s != %s' % tuple(codes)))
    # Upstream inserts the standard traits in the order of a Python set
    # (it changes with the hash seed): lists of traits are compared as sets.
    # So are a provider's aggregates: upstream adds the missing ones in the
    # order of a set, and lists them in the order of their rows.
    bodies = [_unorder(b, ('traits', 'provider_summaries.*.traits',
                           'aggregates'))
              for b in bodies]
    if request.unordered:
        bodies = [_unorder(b, request.unordered) for b in bodies]
    if not request.key_order:
        bodies = [_sorted_keys(b) for b in bodies]
    if not ordered:
        bodies = [canonical(b) for b in bodies]
    if bodies[0] == bodies[1]:
        # Equal as values; keys and lists in the same order too?
        dumped = [json.dumps(b) for b in bodies]
        if dumped[0] != dumped[1]:
            found.append(('ordering', 'same content, different order: '
                          '%s != %s' % (dumped[0][:300], dumped[1][:300])))
        return found
    if codes[0] is not None and codes[0] == codes[1]:
        errors = [[dict(e, detail=_sorted_listings(e.get('detail')))
                   for e in b['errors']] for b in bodies]
        if errors[0] != errors[1]:
            details = [[e['detail'] for e in side] for side in errors]
            found.append(('error_detail', '%r != %r' % tuple(details)))
        return found
    if canonical(bodies[0]) == canonical(bodies[1]):
        found.append(('ordering', '%s != %s' % (json.dumps(bodies[0])[:300],
                                                json.dumps(bodies[1])[:300])))
    else:
        found.append(('body', '%s != %s' % (json.dumps(bodies[0])[:600],
                                            json.dumps(bodies[1])[:600])))
    return found
