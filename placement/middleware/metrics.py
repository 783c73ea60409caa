"""Counts and times every request for Prometheus (placement/metrics.py).

It sits just outside the fault wrapper, so it sees every answer as the
client gets it, 503s and 500s included. Requests are labelled with the
URL template of the route they match (the router's own table), never
with the raw path, so that the number of series stays bounded.
"""
import json
import time

import routes
import webob.dec

from placement import metrics
from placement import router

UNMATCHED = 'unmatched'


def _route_mapper():
    mapper = routes.Mapper()
    for path in router.ROUTES:
        mapper.connect(path, template=path)
    return mapper


def _conflict_code(response):
    try:
        return json.loads(response.body)['errors'][0]['code']
    except (ValueError, KeyError, IndexError, TypeError):
        return 'unknown'


class MetricsMiddleware:

    def __init__(self, application, db):
        self.application = application
        self.db = db
        self.mapper = _route_mapper()

    def _route(self, path):
        match = self.mapper.match(path)
        return match['template'] if match else UNMATCHED

    @webob.dec.wsgify
    def __call__(self, req):
        started = time.perf_counter()
        response = req.get_response(self.application)
        elapsed = time.perf_counter() - started
        status = response.status_int
        labels = (self._route(req.path_info), req.method, str(status))
        metrics.REQUESTS.labels(*labels).inc()
        metrics.LATENCY.labels(*labels).observe(elapsed)
        if status == 409:
            metrics.CONFLICTS.labels(_conflict_code(response)).inc()
        elif status == 503:
            metrics.DB_ERRORS.inc()
        metrics.observe_pool(self.db.engine.pool)
        return response


def wrap(application, conf, db):
    """``application`` with metrics collected, unless [metrics] serve is
    none."""
    if conf.metrics.serve == 'none':
        return application
    return MetricsMiddleware(application, db)
