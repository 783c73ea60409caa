"""The allow-list of deliberate differences from upstream Placement
16.0.0. Each entry names its section of doc/deviations.rst, where the
reason and the test that shows it are given; keep it tiny."""


def _details(response):
    try:
        return [e.get('detail') or '' for e in response.json['errors']]
    except (TypeError, KeyError, AttributeError):
        return None


def _schema_dump(request, upstream, ours, cls, text):
    """The same JSON-schema message, followed by a dump of each side's own
    schema (whose key order and extra keywords differ)."""
    if cls != 'error_detail':
        return False
    details = [_details(r) for r in (upstream, ours)]
    if None in details or len(details[0]) != len(details[1]):
        return False
    head = [[d.split('Failed validating')[0] for d in side]
            for side in details]
    return head[0] == head[1] and any('Failed validating' in d
                                      for d in details[0])


def _upstream_server_error(request, upstream, ours, cls, text):
    return upstream.status == 500 and 400 <= ours.status < 500


def _database_error_text(request, upstream, ours, cls, text):
    return cls == 'error_detail' and any(
        marker in d for d in _details(upstream) or []
        for marker in ('(sqlite3.', '(psycopg2.', '(pymysql.'))


def _limited_candidates(request, upstream, ours, cls, text):
    query = request.query if isinstance(request.query, list) else []
    if request.path != '/allocation_candidates' or not any(
            k == 'limit' for k, _ in query):
        return False
    if upstream.status != 200 or ours.status != 200:
        return False
    return len(upstream.json['allocation_requests']) == len(
        ours.json['allocation_requests'])


def _vary_on_errors(request, upstream, ours, cls, text):
    return (cls == 'header' and text.startswith('vary:') and
            upstream.status >= 400)


def _non_finite_number(request, upstream, ours, cls, text):
    return (isinstance(request.body, bytes) and
            any(n in request.body for n in (b'1e400', b'NaN', b'Infinity'))
            and upstream.status == ours.status == 400)


KNOWN = [
    ('Vary on error answers', _vary_on_errors),
    ('Non-finite numbers', _non_finite_number),
    ('Validation messages', _schema_dump),
    ('Upstream server errors', _upstream_server_error),
    ('Database errors in messages', _database_error_text),
    ('Which candidates a limit keeps', _limited_candidates),
]


def explain(request, upstream, ours, cls, text):
    for section, predicate in KNOWN:
        if predicate(request, upstream, ours, cls, text):
            return section
    return None
