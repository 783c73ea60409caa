"""The API contract as an OpenAPI 3.1 document, built at run time.

Nothing here restates what the code already says:

* the paths and methods are ``placement.router.ROUTES``;
* the microversion an operation appeared in is its handler's
  ``min_version`` (set by ``microversion.min_version``), or the entry's
  ``since`` below where the handler checks it itself;
* request bodies and query strings are the very schema objects of
  ``placement.schemas`` that the handlers validate with, chosen per
  microversion by the same selectors the handlers call. ``OPERATIONS``
  only says which selector belongs to which operation, and
  tests/api/test_openapi.py checks that against what every handler
  really validates, at every microversion.

The standard fields describe the latest microversion. Extensions carry
the history: ``x-openstack-microversion`` (``{"min": "1.6"}``) on every
operation and on parameters that appeared later; on request bodies
``x-openstack-microversions``, every body schema with the range of
microversions it applies to. Response schemas (``RESPONSES``) are written
here, for the latest microversion; schemathesis checks the answers of a
live service against them in CI.

GET /openapi.json serves the document; like the version document at
``/`` it needs no token (it describes the API and contains no data).
"""
import copy
import dataclasses
import functools
import re
import typing

from placement import microversion
from placement.middleware import auth
from placement import router
from placement.schemas import aggregate
from placement.schemas import allocation
from placement.schemas import allocation_candidate
from placement.schemas import inventory
from placement.schemas import reshaper
from placement.schemas import resource_class
from placement.schemas import resource_provider
from placement.schemas import resource_provider_list
from placement.schemas import trait
from placement.schemas import usage

OPENAPI_VERSION = '3.1.0'
PUBLIC_PATHS = auth.PUBLIC_PATHS
VERSIONS = tuple(tuple(int(part) for part in v.split('.'))
                 for v in microversion.VERSIONS)
LATEST = VERSIONS[-1]
_PARAM = re.compile(r'{([^}]+)}')


def _version_string(version):
    return '%d.%d' % tuple(version)


def _table(table):
    """A selector over a (first microversion, schema) table, newest
    first: the lookup ``allocation.for_version`` does for the handlers."""
    return functools.partial(allocation.for_version, table)


def _since(version, schema):
    return lambda v: schema if v >= version else None


def _always(schema):
    return lambda v: schema


def _usages_query(version):
    return usage.QUERY_V1_38 if version >= (1, 38) else usage.QUERY_V1_9


def _resource_class_body(version):
    # From 1.7 PUT ensures the class named by the URL; no body.
    return resource_class.UPDATE if version < (1, 7) else None


def _resource_class_name(version):
    # From 1.7 the URL name is validated as {"name": <name>}.
    return resource_class.CREATE if version >= (1, 7) else None


@dataclasses.dataclass
class Operation:
    """What the handler of one route-method validates, per
    microversion: selectors return the schema object or None."""
    success: dict
    body: typing.Callable = lambda v: None
    query: typing.Callable = lambda v: None
    # The path's variables, validated as one object (resource classes).
    path: typing.Callable = lambda v: None
    # First microversion, when the handler checks it itself.
    since: tuple = None
    summary: str = ''


RP = '/resource_providers/{uuid}'

OPERATIONS = {
    ('/', 'GET'): Operation(
        {'200': 'versions'}, summary='Version discovery'),
    ('/openapi.json', 'GET'): Operation(
        {'200': 'openapi'},
        summary='This document (an extension of this implementation)'),
    ('/resource_providers', 'GET'): Operation(
        {'200': 'providers'}, query=resource_provider_list.for_version,
        summary='List resource providers'),
    ('/resource_providers', 'POST'): Operation(
        {'200': 'provider', '201': None},
        body=resource_provider.post_schema,
        summary='Create a resource provider (201 without a body before '
                '1.20)'),
    (RP, 'GET'): Operation({'200': 'provider'},
                           summary='Show a resource provider'),
    (RP, 'PUT'): Operation({'200': 'provider'},
                           body=resource_provider.put_schema,
                           summary='Update a resource provider'),
    (RP, 'DELETE'): Operation({'204': None},
                              summary='Delete a resource provider'),
    (RP + '/inventories', 'GET'): Operation(
        {'200': 'inventories'}, summary='List inventories'),
    (RP + '/inventories', 'POST'): Operation(
        {'201': 'inventory'}, body=_always(inventory.CREATE),
        summary='Create one inventory'),
    (RP + '/inventories', 'PUT'): Operation(
        {'200': 'inventories'}, body=_always(inventory.SET),
        summary='Replace all inventories'),
    (RP + '/inventories', 'DELETE'): Operation(
        {'204': None}, since=(1, 5), summary='Delete all inventories'),
    (RP + '/inventories/{resource_class}', 'GET'): Operation(
        {'200': 'inventory'}, summary='Show one inventory'),
    (RP + '/inventories/{resource_class}', 'PUT'): Operation(
        {'200': 'inventory'}, body=_always(inventory.UPDATE),
        summary='Update one inventory'),
    (RP + '/inventories/{resource_class}', 'DELETE'): Operation(
        {'204': None}, summary='Delete one inventory'),
    (RP + '/usages', 'GET'): Operation(
        {'200': 'provider_usages'}, summary='Usages of a provider'),
    (RP + '/aggregates', 'GET'): Operation(
        {'200': 'aggregates'}, summary='Aggregates of a provider'),
    (RP + '/aggregates', 'PUT'): Operation(
        {'200': 'aggregates'}, body=aggregate.put_schema,
        summary='Replace the aggregates of a provider'),
    (RP + '/allocations', 'GET'): Operation(
        {'200': 'provider_allocations'},
        summary='Allocations against a provider'),
    (RP + '/traits', 'GET'): Operation(
        {'200': 'provider_traits'}, summary='Traits of a provider'),
    (RP + '/traits', 'PUT'): Operation(
        {'200': 'provider_traits'},
        body=_always(trait.SET_PROVIDER_TRAITS),
        summary='Replace the traits of a provider'),
    (RP + '/traits', 'DELETE'): Operation(
        {'204': None}, summary='Remove every trait of a provider'),
    ('/resource_classes', 'GET'): Operation(
        {'200': 'resource_classes'}, summary='List resource classes'),
    ('/resource_classes', 'POST'): Operation(
        {'201': None}, body=_always(resource_class.CREATE),
        summary='Create a custom resource class'),
    ('/resource_classes/{name}', 'GET'): Operation(
        {'200': 'resource_class'}, summary='Show a resource class'),
    ('/resource_classes/{name}', 'PUT'): Operation(
        {'200': 'resource_class', '201': None, '204': None},
        body=_resource_class_body, path=_resource_class_name,
        summary='Rename a custom class (before 1.7: 200 with the class); '
                'from 1.7 ensure it exists (201 created, 204 existed)'),
    ('/resource_classes/{name}', 'DELETE'): Operation(
        {'204': None}, summary='Delete a custom resource class'),
    ('/traits', 'GET'): Operation(
        {'200': 'traits'}, query=_always(trait.LIST_QUERY),
        summary='List traits'),
    ('/traits/{name}', 'GET'): Operation(
        {'204': None}, summary='Whether a trait exists'),
    ('/traits/{name}', 'PUT'): Operation(
        {'201': None, '204': None},
        summary='Ensure a custom trait exists (201 created, 204 existed)'),
    ('/traits/{name}', 'DELETE'): Operation(
        {'204': None}, summary='Delete a custom trait'),
    ('/allocations', 'POST'): Operation(
        {'204': None}, body=_table(allocation.POST_BY_VERSION),
        summary='Replace the allocations of several consumers'),
    ('/allocations/{consumer_uuid}', 'GET'): Operation(
        {'200': 'consumer_allocations'},
        summary='Allocations of a consumer'),
    ('/allocations/{consumer_uuid}', 'PUT'): Operation(
        {'204': None}, body=_table(allocation.PUT_BY_VERSION),
        summary='Replace the allocations of a consumer'),
    ('/allocations/{consumer_uuid}', 'DELETE'): Operation(
        {'204': None}, summary='Delete the allocations of a consumer'),
    ('/allocation_candidates', 'GET'): Operation(
        {'200': 'allocation_candidates'},
        query=allocation_candidate.for_version,
        summary='Where resources could be allocated'),
    ('/allocation_candidates/explain', 'GET'): Operation(
        {'200': 'explanation'}, query=allocation_candidate.for_version,
        summary='Why the same GET /allocation_candidates finds what it '
                'finds (an extension of this implementation)'),
    # Prometheus text, not JSON: no JSON schema to give.
    ('/metrics', 'GET'): Operation(
        {'200': None},
        summary='Prometheus metrics of the service (an extension of this '
                'implementation; [metrics] serve = app)'),
    ('/usages', 'GET'): Operation(
        {'200': 'usages'}, query=_usages_query,
        summary='Usages of a project (and user)'),
    ('/reshaper', 'POST'): Operation(
        {'204': None}, body=_table(reshaper.BY_VERSION),
        summary='Move inventories and allocations atomically'),
}


def min_version(path, method):
    """The first microversion of a route-method."""
    operation = OPERATIONS[(path, method)]
    if operation.since is not None:
        return operation.since
    handler = router.resolve(router.ROUTES[path][method])
    found = getattr(handler, 'min_version', None)
    return tuple(found) if found is not None else VERSIONS[0]


def versions_of(path, method):
    first = min_version(path, method)
    return [v for v in VERSIONS if v >= first]


def ranges(selector, versions):
    """[(first, last, schema)] of the consecutive microversions for which
    ``selector`` gives the same object (None: nothing validated)."""
    found = []
    for version in versions:
        schema = selector(version)
        if found and found[-1][2] is schema:
            found[-1][1] = version
        else:
            found.append([version, version, schema])
    return [tuple(r) for r in found]


def _microversion(first, last=LATEST):
    value = {'min': _version_string(first)}
    if last != LATEST:
        value['max'] = _version_string(last)
    return value


# Response bodies at the latest microversion.
_UUID = {'type': 'string', 'format': 'uuid'}
_NULLABLE_UUID = {'type': ['string', 'null'], 'format': 'uuid'}
_GENERATION = {'type': 'integer'}
_LINKS = {'type': 'array', 'items': {
    'type': 'object',
    'properties': {'rel': {'type': 'string'}, 'href': {'type': 'string'}},
    'required': ['rel', 'href']}}
_AMOUNTS = {'type': 'object',
            'additionalProperties': {'type': 'integer', 'minimum': 0}}
_RESOURCES = {'type': 'object', 'properties': {'resources': _AMOUNTS},
              'required': ['resources']}
_INVENTORY_FIELDS = {
    'total': {'type': 'integer'},
    'reserved': {'type': 'integer'},
    'min_unit': {'type': 'integer'},
    'max_unit': {'type': 'integer'},
    'step_size': {'type': 'integer'},
    'allocation_ratio': {'type': 'number'},
}
_INVENTORY_RECORD = {'type': 'object', 'properties': _INVENTORY_FIELDS,
                     'required': sorted(_INVENTORY_FIELDS)}
_NAMES = {'type': 'array', 'items': {'type': 'string'}}


def _object(properties, required=None):
    return {'type': 'object', 'properties': properties,
            'required': sorted(properties) if required is None
            else required}


_PROVIDER = _object({
    'uuid': _UUID, 'name': {'type': 'string'}, 'generation': _GENERATION,
    'links': _LINKS, 'parent_provider_uuid': _NULLABLE_UUID,
    'root_provider_uuid': _UUID})

RESPONSES = {
    'versions': _object({'versions': {'type': 'array', 'items': _object({
        'id': {'type': 'string'}, 'min_version': {'type': 'string'},
        'max_version': {'type': 'string'}, 'status': {'type': 'string'},
        'links': _LINKS})}}),
    'openapi': _object({'openapi': {'type': 'string'},
                        'paths': {'type': 'object'}}),
    'provider': _PROVIDER,
    'providers': _object({'resource_providers': {'type': 'array',
                                                 'items': _PROVIDER}}),
    'inventory': _object(dict(_INVENTORY_FIELDS,
                              resource_provider_generation=_GENERATION)),
    'inventories': _object({
        'resource_provider_generation': _GENERATION,
        'inventories': {'type': 'object',
                        'additionalProperties': _INVENTORY_RECORD}}),
    'provider_usages': _object({'resource_provider_generation': _GENERATION,
                                'usages': _AMOUNTS}),
    'aggregates': _object({'aggregates': {'type': 'array', 'items': _UUID},
                           'resource_provider_generation': _GENERATION}),
    'provider_allocations': _object({
        'resource_provider_generation': _GENERATION,
        'allocations': {'type': 'object',
                        'additionalProperties': _RESOURCES}}),
    'provider_traits': _object({'traits': _NAMES,
                                'resource_provider_generation': _GENERATION}),
    'resource_class': _object({'name': {'type': 'string'},
                               'links': _LINKS}),
    'resource_classes': _object({'resource_classes': {
        'type': 'array', 'items': _object({'name': {'type': 'string'},
                                           'links': _LINKS})}}),
    'traits': _object({'traits': _NAMES}),
    # A consumer without allocations has only the empty dict.
    'consumer_allocations': _object({
        'allocations': {'type': 'object', 'additionalProperties': _object(
            {'resources': _AMOUNTS, 'generation': _GENERATION})},
        'project_id': {'type': 'string'},
        'user_id': {'type': 'string'},
        'consumer_generation': {'type': ['integer', 'null']},
        'consumer_type': {'type': ['string', 'null']}},
        required=['allocations']),
    'allocation_candidates': _object({
        'allocation_requests': {'type': 'array', 'items': _object({
            'allocations': {'type': 'object',
                            'additionalProperties': _RESOURCES},
            'mappings': {'type': 'object',
                         'additionalProperties': {'type': 'array',
                                                  'items': _UUID}}})},
        'provider_summaries': {
            'type': 'object', 'additionalProperties': _object({
                'resources': {'type': 'object', 'additionalProperties':
                              _object({'capacity': {'type': 'integer'},
                                       'used': {'type': 'integer'}})},
                'traits': _NAMES,
                'parent_provider_uuid': _NULLABLE_UUID,
                'root_provider_uuid': _UUID})}}),
    'usages': _object({'usages': {'type': 'object'}}),
    'explanation': _object({
        'candidates': {'type': 'integer', 'minimum': 0},
        'groups': {'type': 'array', 'items': _object({
            'suffix': {'type': 'string'}, 'counts': {'type': 'string'},
            'total': {'type': 'integer'}, 'left': {'type': 'integer'},
            'constraints': {'type': 'array', 'items': {'type': 'object'}}})},
        'request': {'type': 'array', 'items': {'type': 'object'}},
        'closest': {'type': 'array', 'items': {'type': 'object'}},
        'suggestions': {'type': 'array', 'items': {'type': 'string'}},
        'search': {'type': 'object'}},
        required=['candidates', 'groups', 'request', 'closest',
                  'suggestions']),
}

ERROR = _object({'errors': {'type': 'array', 'minItems': 1, 'items': _object(
    {'status': {'type': 'integer'}, 'title': {'type': 'string'},
     'detail': {'type': 'string'}, 'code': {'type': 'string'},
     'request_id': {'type': 'string'}},
    required=['status', 'title', 'detail'])}})

_ERROR_TEXT = {
    '400': 'Malformed request: body, query, path or version header',
    '401': 'No valid token',
    '403': 'Refused by policy',
    '404': 'No such resource, or the route does not exist at the '
           'requested microversion',
    '406': 'Unsupported microversion, or no acceptable media type',
    '409': 'Conflict: a generation changed, a name exists, or the '
           'resource is in use',
    '413': 'Request body larger than [api] max_request_body_size',
    '415': 'Request body is not application/json',
}


def _error_statuses(path, method):
    statuses = ['400', '404', '406']
    if path not in PUBLIC_PATHS:
        statuses += ['401', '403']
    if method in ('PUT', 'POST', 'DELETE'):
        statuses.append('409')
    if method in ('PUT', 'POST'):
        statuses += ['413', '415']
    return sorted(statuses)


def _query_parameters(operation, versions):
    """One parameter per property of the query schema, as of the latest
    microversion; suffixed (granular) names are described by their
    unsuffixed parameter and its ``x-openstack-suffix-pattern``."""
    latest = operation.query(LATEST)
    if latest is None:
        return []
    parameters = []
    names = dict(latest.get('properties', {}))
    patterns = {}
    for pattern, schema in latest.get('patternProperties', {}).items():
        match = re.match(r'\^(\w+)\((.*)\)\?\$$', pattern)
        names[match.group(1)] = schema
        patterns[match.group(1)] = match.group(2)
    for name, schema in names.items():
        first = next(v for v in versions
                     if name in _query_names(operation.query(v)))
        parameter = {
            'name': name,
            'in': 'query',
            'required': name in latest.get('required', []),
            'schema': schema,
        }
        if first != versions[0]:
            parameter['x-openstack-microversion'] = _microversion(first)
        if name in patterns:
            parameter['x-openstack-suffix-pattern'] = patterns[name]
        parameters.append(parameter)
    return parameters


def _query_names(schema):
    if schema is None:
        return set()
    names = set(schema.get('properties', {}))
    for pattern in schema.get('patternProperties', {}):
        names.add(re.match(r'\^(\w+)', pattern).group(1))
    return names


def _path_parameters(path, operation):
    validated = operation.path(LATEST) or {}
    properties = validated.get('properties', {})
    return [{'name': name, 'in': 'path', 'required': True,
             'schema': properties.get(name, {'type': 'string'})}
            for name in _PARAM.findall(path)]


def _request_body(operation, versions):
    variants = [(first, last, schema)
                for first, last, schema in ranges(operation.body, versions)
                if schema is not None]
    if not variants:
        return None
    body = {
        'required': True,
        'x-openstack-microversions': [
            dict(_microversion(first, last), schema=schema)
            for first, last, schema in variants],
    }
    latest = operation.body(LATEST)
    if latest is not None:
        body['content'] = {'application/json': {'schema': latest}}
    else:
        # Only older microversions take a body (PUT /resource_classes
        # before 1.7): any body is ignored now.
        body['required'] = False
        body['content'] = {'application/json': {'schema': {}}}
    return body


def _responses(path, method, operation):
    responses = {}
    for status, name in operation.success.items():
        response = {'description': 'Success'}
        if name is not None:
            response['content'] = {'application/json': {
                'schema': {'$ref': '#/components/schemas/%s' % name}}}
        responses[status] = response
    for status in _error_statuses(path, method):
        responses[status] = {'$ref': '#/components/responses/error'}
    return responses


def _operation(path, method):
    operation = OPERATIONS[(path, method)]
    versions = versions_of(path, method)
    target = router.ROUTES[path][method]
    spec = {
        'operationId': target.replace(':', '.'),
        'summary': operation.summary,
        'x-openstack-microversion': _microversion(versions[0]),
        'parameters': (_path_parameters(path, operation) +
                       _query_parameters(operation, versions) +
                       [{'$ref': '#/components/parameters/microversion'}]),
        'responses': _responses(path, method, operation),
    }
    body = _request_body(operation, versions)
    if body is not None:
        spec['requestBody'] = body
    if path in PUBLIC_PATHS:
        spec['security'] = []
    return spec


def build():
    """The document as plain Python values (schemas shared, not copied,
    with placement.schemas)."""
    paths = {}
    for path, methods in router.ROUTES.items():
        paths[path] = {method.lower(): _operation(path, method)
                       for method in methods}
    return {
        'openapi': OPENAPI_VERSION,
        'jsonSchemaDialect': 'https://json-schema.org/draft/2020-12/schema',
        'info': {
            'title': 'Placement API',
            'version': microversion.MAX_VERSION,
            'description': (
                'OpenStack Placement API, microversions %s to %s. Send '
                'OpenStack-API-Version: placement <version>; without it '
                'a request is served at %s. Schemas and parameters are '
                'those of the latest microversion; '
                'x-openstack-microversion(s) give the history.'
                % (microversion.MIN_VERSION, microversion.MAX_VERSION,
                   microversion.MIN_VERSION)),
        },
        'paths': paths,
        'components': {
            'schemas': dict(RESPONSES, error=ERROR),
            'responses': {'error': {
                'description': 'An error; see the status for its kind',
                'content': {'application/json': {
                    'schema': {'$ref': '#/components/schemas/error'}}}}},
            'parameters': {'microversion': {
                'name': 'OpenStack-API-Version',
                'in': 'header',
                'required': False,
                'description': 'placement <major.minor> or placement '
                               'latest',
                'schema': {'type': 'string',
                           'pattern': r'^placement (latest|1\.[0-9]+)$'},
            }},
            'securitySchemes': {'token': {
                'type': 'apiKey', 'in': 'header', 'name': 'X-Auth-Token'}},
        },
        'security': [{'token': []}],
    }


@functools.lru_cache(maxsize=1)
def _cached():
    return build()


def document(server_url='/'):
    """The document served at GET /openapi.json, for a service mounted
    at ``server_url``."""
    doc = copy.copy(_cached())
    doc['servers'] = [{'url': server_url or '/'}]
    return doc
