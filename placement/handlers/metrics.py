"""GET /metrics: the Prometheus metrics of every process of the service
(placement/metrics.py), when [metrics] serve = app."""
import webob
import webob.exc

from placement import errors
from placement.handlers import util
from placement import metrics
from placement.policies import metrics as policies


def get_metrics(req):
    context = util.context(req)
    if context.config.metrics.serve != 'app':
        raise errors.http_error(webob.exc.HTTPNotFound)
    context.can(policies.GET)
    body, content_type = metrics.exposition(req.headers.get('Accept'))
    response = webob.Response(body=body)
    response.headers['Content-Type'] = content_type
    return response
