"""The outermost safety net: every failure becomes a JSON error.

A database that cannot be reached is a 503 whose text names no host, port,
driver or SQL (the exception is logged in full instead); a deadlock that
outlived its transaction retries is a 409 placement.concurrent_update (a
race lost to other writers, which the client may retry); text the
database cannot store (MySQL's 3-byte utf8 and a character outside the BMP)
is the client's input, a 400; anything else unexpected is a 500. The
request id is in the body of all, to find the logged traceback.
"""
import logging

from oslo_db import exception as db_exc
import webob.dec
import webob.exc

from placement.db import api as db_api
from placement import errors

LOG = logging.getLogger(__name__)

DB_UNAVAILABLE = ('The placement database is unavailable. The request was '
                  'not carried out; try again later.')
UNSTORABLE_TEXT = ('The request contains characters that the placement '
                   'database cannot store (with MySQL 3-byte utf8, any '
                   'character outside the Basic Multilingual Plane); '
                   'nothing was changed.')
LOST_RACE = ('Another request changed the same data at the same time; the '
             'request was not carried out. Please retry your update.')


def _is_lost_race(exc):
    return (isinstance(exc, db_exc.DBDeadlock) or
            db_api.is_sqlite_lock_error(exc))


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
            if db_api.is_db_unavailable(exc):
                LOG.error('Database unavailable: %s', exc)
                return errors.http_error(webob.exc.HTTPServiceUnavailable,
                                         DB_UNAVAILABLE)
            if db_api.is_unstorable_text(exc):
                LOG.info('Text the database cannot store in %s %r: %s',
                         req.method, req.environ.get('PATH_INFO'), exc)
                return errors.bad_request(UNSTORABLE_TEXT)
            if _is_lost_race(exc):
                LOG.warning('Giving up %s %s after retries: %s',
                            req.method, req.path, exc)
                return errors.conflict(LOST_RACE,
                                       code=errors.CONCURRENT_UPDATE)
            # The raw path: whatever broke may be unable to read it.
            LOG.exception('Unexpected error handling %s %r',
                          req.method, req.environ.get('PATH_INFO'))
            return errors.http_error(
                webob.exc.HTTPInternalServerError,
                'An unexpected error occurred; the request id identifies '
                'it in the service log.')
