"""One INFO line per request on the ``placement.requestlog`` logger, in
OpenStack Placement's format, so that log searches and dashboards written
for it keep working (one line)::

    127.0.0.1 "GET /traits?name=startswith:CUSTOM" status: 200 len: 14
    microversion: 1.30

The line is written once the body has been sent: ``len`` counts the bytes
actually produced. It is logged with the request's context, so oslo.log's
prefix names the global request id (X-OpenStack-Request-Id sent by the
caller), the request id and the caller; requests refused before placement
built its context (401, keystone unreachable) name the two request ids
only. That early context is also the thread's current one from the start
of the request, so that what keystonemiddleware logs is not attributed to
the previous request served by the thread. ``microversion`` is
``-`` when none was negotiated (an unacceptable version, a refused token).
"""
import logging

from oslo_context import context as oslo_context

from placement import environ_keys

LOG = logging.getLogger('placement.requestlog')


def _path_with_query(environ):
    path = environ.get('SCRIPT_NAME', '') + environ.get('PATH_INFO', '')
    query = environ.get('QUERY_STRING')
    return '%s?%s' % (path, query) if query else path


def _log(environ, early_context, status, length):
    version = environ.get(environ_keys.MICROVERSION)
    LOG.info('%(remote)s "%(method)s %(path)s" status: %(status)s '
             'len: %(length)s microversion: %(version)s',
             {'remote': environ.get('REMOTE_ADDR', '-'),
              'method': environ.get('REQUEST_METHOD'),
              'path': _path_with_query(environ),
              'status': status or '-',
              'length': length,
              'version': version if version is not None else '-'},
             extra={'context': environ.get(environ_keys.CONTEXT,
                                         early_context)})


class _LoggedBody:
    """The application's body iterable, counting what it yields; the line
    is logged when the server closes it (PEP 3333 servers always do)."""

    def __init__(self, body, environ, early_context, status):
        self.body = body
        self.environ = environ
        self.early_context = early_context
        self.status = status
        self.length = 0

    def __iter__(self):
        for chunk in self.body:
            self.length += len(chunk)
            yield chunk

    def close(self):
        try:
            close = getattr(self.body, 'close', None)
            if close is not None:
                close()
        finally:
            _log(self.environ, self.early_context, self.status[0],
                 self.length)


class RequestLog:

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        early_context = oslo_context.RequestContext(
            request_id=environ.get(environ_keys.REQUEST_ID),
            global_request_id=environ.get(environ_keys.GLOBAL_REQUEST_ID))
        status = [None]

        def recording_start_response(status_line, headers, exc_info=None):
            status[0] = status_line.split(None, 1)[0]
            return start_response(status_line, headers, exc_info)

        body = self.application(environ, recording_start_response)
        return _LoggedBody(body, environ, early_context, status)
