"""Chunked request bodies under uWSGI.

uWSGI 2.0 gives a WSGI application no body at all for a request sent with
``Transfer-Encoding: chunked`` and no Content-Length (wsgi.input reads
empty), so such a PUT or POST would be refused as having no body. Under
uWSGI (whose ``uwsgi`` module exists only inside its processes) the body
is read with ``uwsgi.chunked_read()`` before the application sees the
request, and handed on as an ordinary body with a Content-Length. Other
servers (gunicorn) decode chunked bodies themselves; there ``wrap``
returns the application unchanged.
"""
import io

import webob.exc

from placement import errors

try:
    import uwsgi
except ImportError:
    uwsgi = None

BROKEN_BODY = 'The chunked request body could not be read.'


def _is_chunked(environ):
    return ('chunked' in environ.get('HTTP_TRANSFER_ENCODING', '').lower()
            and not environ.get('CONTENT_LENGTH'))


class DechunkedInput:

    def __init__(self, application, read_chunk):
        self.application = application
        # Returns the next chunk's data, b'' after the last one; raises
        # OSError on a malformed chunk or a client that stopped sending.
        self.read_chunk = read_chunk

    def __call__(self, environ, start_response):
        if _is_chunked(environ):
            try:
                body = b''.join(iter(self.read_chunk, b''))
            except OSError:
                environ['HTTP_ACCEPT'] = 'application/json'
                error = errors.http_error(webob.exc.HTTPBadRequest,
                                          BROKEN_BODY)
                return error(environ, start_response)
            environ['wsgi.input'] = io.BytesIO(body)
            environ['CONTENT_LENGTH'] = str(len(body))
            del environ['HTTP_TRANSFER_ENCODING']
        return self.application(environ, start_response)


def wrap(application):
    if uwsgi is None or not hasattr(uwsgi, 'chunked_read'):
        return application
    return DechunkedInput(application, uwsgi.chunked_read)
