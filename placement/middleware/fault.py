"""The outermost safety net: every failure becomes a JSON error.

A database that cannot be reached is a 503 whose text names no host, port,
driver or SQL (the exception is logged in full instead); anything else
unexpected is a 500. The request id is in the body of both, to find the
logged traceback.
"""
import logging

from oslo_db import exception as db_exc
import sqlalchemy as sa
import webob.dec
import webob.exc

from placement import errors

LOG = logging.getLogger(__name__)

DB_UNAVAILABLE = ('The placement database is unavailable. The request was '
                  'not carried out; try again later.')


def _is_db_unavailable(exc):
    if isinstance(exc, db_exc.DBConnectionError):
        return True
    if isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, db_exc.DBError):
        inner = exc.inner_exception
        return (isinstance(inner, sa.exc.DBAPIError) and
                inner.connection_invalidated)
    return isinstance(exc, (sa.exc.DisconnectionError,
                            sa.exc.TimeoutError))


class FaultWrapper:

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify
    def __call__(self, req):
        # Error bodies follow the Accept header (webob): default to JSON
        # for clients that accept anything.
        accept = req.environ.get('HTTP_ACCEPT')
        if not accept or accept == '*/*':
            req.environ['HTTP_ACCEPT'] = 'application/json'
        try:
            return req.get_response(self.application)
        except webob.exc.HTTPException as exc:
            return errors.ensure_json_format(exc)
        except Exception as exc:
            if _is_db_unavailable(exc):
                LOG.error('Database unavailable: %s', exc)
                return errors.http_error(webob.exc.HTTPServiceUnavailable,
                                         DB_UNAVAILABLE)
            LOG.exception('Unexpected error handling %s %s',
                          req.method, req.path)
            return errors.http_error(
                webob.exc.HTTPInternalServerError,
                'An unexpected error occurred; the request id identifies '
                'it in the service log.')
