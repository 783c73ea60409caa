"""Chunked request bodies under uWSGI.

uWSGI 2.0 gives a WSGI application no body at all for a request sent with
``Transfer-Encoding: chunked`` and no Content-Length (wsgi.input reads
empty), so such a PUT or POST would be refused as having no body. Under
uWSGI (whose ``uwsgi`` module exists only inside its processes) such a
request's wsgi.input is replaced by a stream over ``uwsgi.chunked_read()``
and marked ``wsgi.input_terminated``, as gunicorn marks the chunked bodies
it decodes itself; the body guard (placement.middleware.request_guard)
then reads it within the size limit like any other. Under other servers
``wrap`` returns the application unchanged.
"""
from placement import errors

try:
    import uwsgi
except ImportError:
    uwsgi = None

BROKEN_BODY = 'The chunked request body could not be read.'


def _is_chunked(environ):
    return ('chunked' in environ.get('HTTP_TRANSFER_ENCODING', '').lower()
            and not environ.get('CONTENT_LENGTH'))


class ChunkedStream:
    """A readable body over ``read_chunk``, which returns the next chunk's
    data, b'' after the last one, and raises OSError on a malformed chunk
    or a client that stopped sending (a 400 for the request)."""

    def __init__(self, read_chunk):
        self.read_chunk = read_chunk
        self.pending = b''
        self.ended = False

    def read(self, size=-1):
        whole = size is None or size < 0
        while not self.ended and (whole or len(self.pending) < size):
            try:
                chunk = self.read_chunk()
            except OSError:
                raise errors.bad_request(BROKEN_BODY)
            if chunk:
                self.pending += chunk
            else:
                self.ended = True
        if whole:
            size = len(self.pending)
        data, self.pending = self.pending[:size], self.pending[size:]
        return data


class DechunkedInput:

    def __init__(self, application, read_chunk):
        self.application = application
        self.read_chunk = read_chunk

    def __call__(self, environ, start_response):
        if _is_chunked(environ):
            environ['wsgi.input'] = ChunkedStream(self.read_chunk)
            environ['wsgi.input_terminated'] = True
        return self.application(environ, start_response)


def wrap(application):
    if uwsgi is None or not hasattr(uwsgi, 'chunked_read'):
        return application
    return DechunkedInput(application, uwsgi.chunked_read)
