"""Error codes and the JSON error body.

Every error the API returns is a webob HTTP exception made by ``http_error``
(or raised by webob itself and formatted the same way), with the body::

    {"errors": [{"status": 400, "title": "Bad Request", "detail": "...",
                 "code": "placement.undefined_code", "request_id": "req-..."}]}

``code`` is included from microversion 1.23 on, as in OpenStack Placement.
"""
import functools

import webob.exc

from placement import environ_keys

# Error codes, microversion 1.23.
DEFAULT = 'placement.undefined_code'
INVENTORY_INUSE = 'placement.inventory.inuse'
CONCURRENT_UPDATE = 'placement.concurrent_update'
DUPLICATE_NAME = 'placement.duplicate_name'
PROVIDER_IN_USE = 'placement.resource_provider.inuse'
PROVIDER_CANNOT_DELETE_PARENT = (
    'placement.resource_provider.cannot_delete_parent')
RESOURCE_PROVIDER_NOT_FOUND = 'placement.resource_provider.not_found'
ILLEGAL_DUPLICATE_QUERYPARAM = 'placement.query.duplicate_key'
QUERYPARAM_BAD_VALUE = 'placement.query.bad_value'
QUERYPARAM_MISSING_VALUE = 'placement.query.missing_value'


def _format_json_error(body, status, title, environ, code=DEFAULT,
                       extra=None):
    error = {
        'status': int(status.split(None, 1)[0]),
        'title': title,
        'detail': webob.exc.strip_tags(body),
    }
    version = environ.get(environ_keys.MICROVERSION)
    if version is not None and version >= (1, 23):
        error['code'] = code
    request_id = environ.get(environ_keys.REQUEST_ID)
    if request_id:
        error['request_id'] = request_id
    error.update(extra or {})
    return {'errors': [error]}


def json_error_formatter(body, status, title, environ):
    """The formatter for webob exceptions raised without a code."""
    return _format_json_error(body, status, title, environ)


def ensure_json_format(exc):
    """Give a webob exception raised elsewhere (routing, webob itself) the
    JSON body format, keeping a formatter it already has."""
    if 'json_formatter' not in vars(exc):
        exc.json_formatter = json_error_formatter
    return exc


def http_error(exc_class, detail=None, code=DEFAULT, extra=None, **kwargs):
    """Build the webob exception ``exc_class`` with a JSON error body.

    ``detail`` may contain %-style placeholders filled from ``kwargs``;
    ``extra`` adds fields to the error.
    """
    if kwargs:
        detail = detail % kwargs
    return exc_class(detail=detail,
                     json_formatter=functools.partial(_format_json_error,
                                                      code=code,
                                                      extra=extra))


def bad_request(detail, code=DEFAULT, **kwargs):
    return http_error(webob.exc.HTTPBadRequest, detail, code, **kwargs)


def not_found(detail, code=DEFAULT, **kwargs):
    return http_error(webob.exc.HTTPNotFound, detail, code, **kwargs)


def conflict(detail, code=DEFAULT, **kwargs):
    return http_error(webob.exc.HTTPConflict, detail, code, **kwargs)


def forbidden(detail, code=DEFAULT, **kwargs):
    return http_error(webob.exc.HTTPForbidden, detail, code, **kwargs)
