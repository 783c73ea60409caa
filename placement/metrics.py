"""Every Prometheus metric of the service, in one place.

The metrics are prometheus-client objects in the default registry. Under a
multi-process WSGI server (gunicorn or uWSGI workers) set
PROMETHEUS_MULTIPROC_DIR to an empty directory writable by the workers
before the server starts: prometheus-client then keeps each process's
values in files there and GET /metrics adds them up, whichever worker
answers (``registry()``). ``placement-api`` empties the directory when it
starts and forgets the live gauges of a worker that exits.

Names and labels:

placement_http_requests_total{route, method, status}
placement_http_request_duration_seconds{route, method, status}
    every request, by URL template (``/resource_providers/{uuid}``;
    ``unmatched`` for a URL no route has).
placement_http_conflicts_total{code}
    409 answers by error code (``placement.concurrent_update`` ...).
placement_db_retries_total{kind}
    transactions started over: ``deadlock``, ``certification_failure``
    (Galera), ``sqlite_locked``, ``generation_race`` (an allocation write
    that lost a provider or consumer generation race).
placement_db_errors_total
    requests answered 503 because the database could not be reached.
placement_db_pool_connections{state}
    connections of the database pools (``checked_out``, ``idle``,
    ``overflow``), summed over live processes.
placement_allocation_candidates_search_duration_seconds{answer}
placement_allocation_candidates_answer_size
    GET /allocation_candidates: time by size of answer (``0``, ``1-9``,
    ``10-99``, ``100-999``, ``1000+``) and the number of candidates.
"""
import os

import prometheus_client
from prometheus_client import multiprocess

MULTIPROC_DIR_ENV = 'PROMETHEUS_MULTIPROC_DIR'

RETRY_KINDS = ('deadlock', 'certification_failure', 'sqlite_locked',
               'generation_race')

_LATENCY_BUCKETS = (.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30)
_SIZE_BUCKETS = (0, 1, 5, 10, 50, 100, 500, 1000, 5000, 10000, 50000)

REQUESTS = prometheus_client.Counter(
    'placement_http_requests', 'HTTP requests answered.',
    ('route', 'method', 'status'))
LATENCY = prometheus_client.Histogram(
    'placement_http_request_duration_seconds',
    'Time to answer an HTTP request.', ('route', 'method', 'status'),
    buckets=_LATENCY_BUCKETS)
CONFLICTS = prometheus_client.Counter(
    'placement_http_conflicts', '409 answers by error code.', ('code',))
RETRIES = prometheus_client.Counter(
    'placement_db_retries', 'Database transactions started over.',
    ('kind',))
DB_ERRORS = prometheus_client.Counter(
    'placement_db_errors',
    'Requests answered 503: the database could not be reached.')
POOL = prometheus_client.Gauge(
    'placement_db_pool_connections', 'Database pool connections.',
    ('state',), multiprocess_mode='livesum')
SEARCH_TIME = prometheus_client.Histogram(
    'placement_allocation_candidates_search_duration_seconds',
    'Time of an allocation candidate search, by size of its answer.',
    ('answer',), buckets=_LATENCY_BUCKETS)
ANSWER_SIZE = prometheus_client.Histogram(
    'placement_allocation_candidates_answer_size',
    'Candidates in an allocation candidate answer.', buckets=_SIZE_BUCKETS)

for _kind in RETRY_KINDS:
    RETRIES.labels(_kind)


def retried(kind):
    """Count a transaction started over for ``kind`` (RETRY_KINDS)."""
    RETRIES.labels(kind).inc()


def _answer_class(size):
    if size == 0:
        return '0'
    for upper, name in ((10, '1-9'), (100, '10-99'), (1000, '100-999')):
        if size < upper:
            return name
    return '1000+'


def candidate_search(size, seconds):
    """Count one GET /allocation_candidates answer of ``size``
    candidates that took ``seconds``."""
    SEARCH_TIME.labels(_answer_class(size)).observe(seconds)
    ANSWER_SIZE.observe(size)


def observe_pool(pool):
    """Record the state of one SQLAlchemy QueuePool (per process)."""
    try:
        checked_out = pool.checkedout()
        idle = pool.checkedin()
        overflow = max(pool.overflow(), 0)
    except AttributeError:  # a pool without counts (SQLite's)
        return
    POOL.labels('checked_out').set(checked_out)
    POOL.labels('idle').set(idle)
    POOL.labels('overflow').set(overflow)


def multiprocess_dir():
    return os.environ.get(MULTIPROC_DIR_ENV) or None


def registry():
    """The registry to expose: the processes' files added up in
    multi-process mode, the default registry otherwise."""
    if multiprocess_dir():
        collected = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(collected)
        return collected
    return prometheus_client.REGISTRY


def exposition(accept=None):
    """(body, content type) of the metrics for an Accept header."""
    from prometheus_client import exposition as expo
    encoder, content_type = expo.choose_encoder(accept or '')
    return encoder(registry()), content_type


def clear_multiprocess_dir():
    """Empty the multi-process directory (a server start: values of
    processes from before are meaningless)."""
    path = multiprocess_dir()
    if not path:
        return
    os.makedirs(path, exist_ok=True)
    for name in os.listdir(path):
        if name.endswith('.db'):
            os.unlink(os.path.join(path, name))


LISTENER_ENV = 'PLACEMENT_METRICS_LISTENER'


def serve_on_port(conf):
    """Start the separate metrics listener of [metrics] serve = port, in
    a thread of this process; False when another process has it."""
    try:
        prometheus_client.start_http_server(
            conf.metrics.port, addr=conf.metrics.host, registry=registry())
    except OSError:
        return False
    os.environ[LISTENER_ENV] = str(os.getpid())
    return True


def worker_exited(pid):
    """Forget the live gauges of an exited worker process."""
    if multiprocess_dir():
        multiprocess.mark_process_dead(pid)
