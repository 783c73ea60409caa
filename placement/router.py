"""URL dispatch: the declarative route table and the dispatcher.

``ROUTES`` maps each URL template to the handler of each HTTP method, named
``module:function`` under placement.handlers. A method a URL does not
support is a 405 with an Allow header; an unknown URL is a 404. Failures
that always mean the same answer (policy refusal, a lost generation race)
are translated here so that handlers need not repeat it.
"""
import importlib
import logging

import routes
import webob
import webob.dec
import webob.exc

from placement import errors
from placement import exception
from placement import policy

LOG = logging.getLogger(__name__)

ROUTES = {
    '/': {
        'GET': 'root:home',
    },
    # Not in OpenStack Placement: the contract, see placement.openapi.
    '/openapi.json': {
        'GET': 'openapi:get_openapi',
    },
    '/resource_providers': {
        'GET': 'resource_provider_list:list_resource_providers',
        'POST': 'resource_provider:create_resource_provider',
    },
    '/resource_providers/{uuid}': {
        'GET': 'resource_provider:get_resource_provider',
        'PUT': 'resource_provider:update_resource_provider',
        'DELETE': 'resource_provider:delete_resource_provider',
    },
    '/resource_providers/{uuid}/inventories': {
        'GET': 'inventory:get_inventories',
        'POST': 'inventory:create_inventory',
        'PUT': 'inventory:set_inventories',
        'DELETE': 'inventory:delete_inventories',
    },
    '/resource_providers/{uuid}/inventories/{resource_class}': {
        'GET': 'inventory:get_inventory',
        'PUT': 'inventory:update_inventory',
        'DELETE': 'inventory:delete_inventory',
    },
    '/resource_providers/{uuid}/usages': {
        'GET': 'usage:list_usages',
    },
    '/resource_providers/{uuid}/aggregates': {
        'GET': 'aggregate:get_aggregates',
        'PUT': 'aggregate:set_aggregates',
    },
    '/resource_providers/{uuid}/allocations': {
        'GET': 'allocation:list_for_resource_provider',
    },
    '/resource_providers/{uuid}/traits': {
        'GET': 'trait:list_traits_for_resource_provider',
        'PUT': 'trait:update_traits_for_resource_provider',
        'DELETE': 'trait:delete_traits_for_resource_provider',
    },
    '/resource_classes': {
        'GET': 'resource_class:list_resource_classes',
        'POST': 'resource_class:create_resource_class',
    },
    '/resource_classes/{name}': {
        'GET': 'resource_class:get_resource_class',
        'PUT': 'resource_class:update_resource_class',
        'DELETE': 'resource_class:delete_resource_class',
    },
    '/traits': {
        'GET': 'trait:list_traits',
    },
    '/traits/{name}': {
        'GET': 'trait:get_trait',
        'PUT': 'trait:put_trait',
        'DELETE': 'trait:delete_trait',
    },
    '/allocations': {
        'POST': 'allocation:set_allocations',
    },
    '/allocations/{consumer_uuid}': {
        'GET': 'allocation:list_for_consumer',
        'PUT': 'allocation:set_allocations_for_consumer',
        'DELETE': 'allocation:delete_allocations',
    },
    '/allocation_candidates': {
        'GET': 'allocation_candidate:list_allocation_candidates',
    },
    '/allocation_candidates/explain': {
        'GET': 'allocation_candidate_explain:explain_allocation_candidates',
    },
    '/usages': {
        'GET': 'usage:get_total_usages',
    },
    '/metrics': {
        'GET': 'metrics:get_metrics',
    },
    '/reshaper': {
        'POST': 'reshaper:reshape',
    },
}


def resolve(target):
    module_name, _sep, function = target.partition(':')
    module = importlib.import_module('placement.handlers.' + module_name)
    return getattr(module, function)


def _not_implemented(target):
    def handler(req):
        raise errors.http_error(webob.exc.HTTPNotImplemented,
                                'Not implemented: %s' % target)
    return handler


def _translate(exc):
    """The HTTP error for object-layer failures with a single meaning."""
    if isinstance(exc, policy.PolicyNotAuthorized):
        return errors.forbidden(str(exc))
    if isinstance(exc, exception.ConcurrentUpdateDetected):
        return errors.conflict(str(exc), code=errors.CONCURRENT_UPDATE)
    if isinstance(exc, exception.ResourceProviderNotFound):
        # placement.resource_provider.not_found is reserved for requests
        # naming several providers (the reshaper says so itself).
        return errors.not_found(str(exc))
    return None


class Router:

    def __init__(self, routes_table=None):
        self.mapper = routes.Mapper()
        self.handlers = {}
        for path, methods in (routes_table or ROUTES).items():
            handlers = {}
            for method, target in methods.items():
                try:
                    handlers[method] = resolve(target)
                except (ImportError, AttributeError):
                    LOG.warning('No handler %s for %s %s', target, method,
                                path)
                    handlers[method] = _not_implemented(target)
            self.handlers[path] = handlers
            self.mapper.connect(path, template=path)

    @webob.dec.wsgify
    def __call__(self, req):
        # No column can hold a NUL (PostgreSQL refuses to even compare
        # one): a path with one names nothing, a query with one (or with
        # bytes that are not UTF-8) asks for nothing valid.
        if '\x00' in req.path_info:
            raise errors.http_error(webob.exc.HTTPNotFound)
        try:
            bad_query = any('\x00' in key + value
                            for key, value in req.GET.items())
        except UnicodeDecodeError:
            bad_query = True
        if bad_query:
            raise errors.bad_request(
                'Invalid query string parameters: the query string must be '
                'UTF-8 text without NUL characters.')
        # A body without a declared type cannot be interpreted, whatever
        # the URL (checked before routing, as upstream does).
        if req.content_length and not req.content_type:
            raise errors.bad_request('content-type header required when '
                                     'content-length > 0')
        match = self.mapper.match(req.path_info)
        if match is None:
            raise errors.http_error(webob.exc.HTTPNotFound)
        handlers = self.handlers[match.pop('template')]
        handler = handlers.get(req.method)
        if handler is None:
            allow = ', '.join(sorted(handlers))
            exc = errors.http_error(
                webob.exc.HTTPMethodNotAllowed,
                'The method specified is not allowed for this resource.')
            exc.headers['allow'] = allow
            raise exc
        req.environ['wsgiorg.routing_args'] = ((), match)
        try:
            return handler(req)
        except webob.exc.HTTPException as exc:
            return errors.ensure_json_format(exc)
        except Exception as exc:
            http_exc = _translate(exc)
            if http_exc is None:
                raise
            return http_exc
