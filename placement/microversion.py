"""Microversions: the supported range, negotiation, and version gates.

The negotiated version is a ``microversion_parse.Version`` (a comparable
(major, minor) tuple) stored in the WSGI environ and exposed on the request
as ``req.microversion``; handlers compare it with tuples:
``if req.microversion >= (1, 14)``. This module is the only place that
parses the header or decides what a version allows.
"""
import functools

import microversion_parse
import webob.dec
import webob.exc

from placement import environ_keys
from placement import errors

SERVICE_TYPE = 'placement'
HEADER = 'openstack-api-version'

# One entry per microversion, oldest first; the last is the maximum.
VERSIONS = ['1.%d' % minor for minor in range(0, 40)]
MIN_VERSION = VERSIONS[0]
MAX_VERSION = VERSIONS[-1]


def parse(environ):
    """The version a request asks for.

    :raises TypeError: the header is malformed (answer 400).
    :raises ValueError: the version is not supported (answer 406).
    """
    headers = microversion_parse.headers_from_wsgi_environ(environ)
    return microversion_parse.extract_version(headers, SERVICE_TYPE, VERSIONS)


def response_headers(version):
    return [(HEADER, '%s %s' % (SERVICE_TYPE, version)),
            ('vary', HEADER)]


def requested(req):
    return req.environ[environ_keys.MICROVERSION]


def min_version(version_string):
    """Decorate a handler that does not exist before ``version_string``:
    older requests get the same 404 as an unknown URL."""
    minimum = microversion_parse.parse_version_string(version_string)

    def decorator(handler):
        @functools.wraps(handler)
        def wrapper(req, *args, **kwargs):
            if requested(req) < minimum:
                raise errors.http_error(webob.exc.HTTPNotFound)
            return handler(req, *args, **kwargs)
        wrapper.min_version = minimum
        return wrapper
    return decorator


class MicroversionMiddleware:
    """Negotiates the version and adds the version headers to every
    response, errors included."""

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify
    def __call__(self, req):
        try:
            version = parse(req.environ)
        except TypeError as exc:
            raise errors.http_error(webob.exc.HTTPBadRequest,
                                    'Invalid microversion: %s' % exc)
        except ValueError as exc:
            # The supported range is part of the answer, as upstream's.
            raise errors.http_error(webob.exc.HTTPNotAcceptable,
                                    'Invalid microversion: %s' % exc,
                                    extra={'max_version': MAX_VERSION,
                                           'min_version': MIN_VERSION})
        req.environ[environ_keys.MICROVERSION] = version
        response = req.get_response(self.application)
        for name, value in response_headers(version):
            response.headers[name] = value
        return response
