"""What a request must be before the API looks at it: a path the
routes can read, and a body that arrived whole and within the size limit.

``PathDecoder`` (outermost in the pipeline): WSGI servers hand over the
path as bytes in a latin-1 string (PEP 3333), which webob decodes as UTF-8.
Percent-encoded bytes that are not UTF-8 (``%FF%FE``, an overlong
``%C0%AF``, an encoded surrogate ``%ED%A0%80``) would make every later
reader of the path fail. Such a path is read as latin-1 instead, one
character per byte, which is how OpenStack Placement reads it: it names no
provider, class or trait that exists, so the handlers answer it like any
other unknown name (a 404, or a 400 where a name must match a pattern).

``BodyGuard`` (just inside the microversion middleware, so that its
errors carry the error code of the negotiated version): reads the body
once, before any handler, and answers

* 413 when it is larger than ``[api] max_request_body_size`` (refused from
  the Content-Length header alone when there is one, without reading);
* 400 when fewer bytes arrive than the Content-Length header announced
  (the client closed its side early).

The handlers then read the body from memory.
"""
import io

import webob.dec
import webob.exc

from placement import errors

# Read in pieces so that a slow or short body is detected without
# holding more than the limit.
_CHUNK = 65536


class PathDecoder:

    _KEYS = ('PATH_INFO', 'SCRIPT_NAME')

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        for key in self._KEYS:
            value = environ.get(key)
            if value:
                environ[key] = _readable(value)
        return self.application(environ, start_response)


def _readable(wsgi_string):
    """``wsgi_string`` if its bytes are UTF-8, else its characters
    re-encoded so that decoding the bytes as UTF-8 gives them back."""
    try:
        raw = wsgi_string.encode('latin-1')
    except UnicodeEncodeError:
        # Not a WSGI string at all (an in-process caller): leave it.
        return wsgi_string
    try:
        raw.decode('utf-8')
    except UnicodeDecodeError:
        return wsgi_string.encode('utf-8').decode('latin-1')
    return wsgi_string


class BodyGuard:

    def __init__(self, application, conf):
        self.application = application
        self.max_size = conf.api.max_request_body_size

    @webob.dec.wsgify
    def __call__(self, req):
        environ = req.environ
        declared = _declared_length(environ)
        if declared is None and not environ.get('wsgi.input_terminated'):
            # No Content-Length and no self-delimiting (chunked) body:
            # there is no body (RFC 9112 6.3).
            return req.get_response(self.application)
        if declared == 0:
            return req.get_response(self.application)
        if self.max_size and declared is not None and (
                declared > self.max_size):
            raise self._too_large(declared)
        body = self._read(environ['wsgi.input'], declared)
        if declared is not None and len(body) < declared:
            raise errors.bad_request(
                'The request body ended after %(got)d of the %(declared)d '
                'bytes its Content-Length header announced.',
                got=len(body), declared=declared)
        environ['wsgi.input'] = io.BytesIO(body)
        if declared is not None:
            environ['CONTENT_LENGTH'] = str(len(body))
        environ['webob.is_body_seekable'] = True
        return req.get_response(self.application)

    def _read(self, stream, declared):
        """Up to ``declared`` bytes (all there is when None), stopping at
        the end of the stream; 413 as soon as the limit is passed."""
        parts = []
        size = 0
        while declared is None or size < declared:
            want = _CHUNK if declared is None else min(_CHUNK,
                                                       declared - size)
            part = stream.read(want)
            if not part:
                break
            parts.append(part)
            size += len(part)
            if self.max_size and size > self.max_size:
                raise self._too_large(None)
        return b''.join(parts)

    def _too_large(self, declared):
        if declared is None:
            size = 'larger than %d bytes' % self.max_size
        else:
            size = '%d bytes' % declared
        return errors.http_error(
            webob.exc.HTTPRequestEntityTooLarge,
            'The request body is %(size)s; at most %(limit)d bytes are '
            'accepted.', size=size, limit=self.max_size)


def _declared_length(environ):
    """The Content-Length as an int, None when absent; 400 when it is not
    a number."""
    value = environ.get('CONTENT_LENGTH')
    if value in (None, ''):
        return None
    try:
        length = int(value)
    except ValueError:
        length = -1
    if length < 0:
        raise errors.bad_request(
            'The Content-Length header is not a byte count: %(value)s',
            value=value)
    return length
