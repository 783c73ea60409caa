"""JSON instead of gunicorn's own HTML error page.

gunicorn answers some requests itself, before the application sees them: a
request line or header it cannot parse (400), a request line or headers
over its limits (414, 431), a bad chunked encoding, or an exception that
escaped the application (500). Its page is HTML; clients of this API
expect the JSON error body of every other answer. ``install()`` replaces
the writer gunicorn uses for these answers (call it in the process that
runs gunicorn, before the workers start). gunicorn could not parse the
request, so the body has no negotiated microversion: it carries the
default error code, and a request id of its own for the log.
"""
import json

from gunicorn import util as gunicorn_util
from oslo_context import context as oslo_context

from placement import errors


def json_error(status_int, reason, message):
    """The raw HTTP/1.1 answer for an error gunicorn raised itself."""
    body = json.dumps({'errors': [{
        'status': status_int,
        'title': reason,
        'detail': message,
        'code': errors.DEFAULT,
        'request_id': oslo_context.generate_request_id(),
    }]}).encode('utf-8')
    head = ('HTTP/1.1 %d %s\r\n'
            'Connection: close\r\n'
            'Content-Type: application/json\r\n'
            'Content-Length: %d\r\n'
            '\r\n' % (status_int, reason, len(body)))
    return head.encode('latin-1') + body


def _write_error(sock, status_int, reason, mesg):
    gunicorn_util.write_nonblock(sock, json_error(status_int, reason, mesg))


def install():
    gunicorn_util.write_error = _write_error
