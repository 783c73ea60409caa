"""What every handler needs: the context, the JSON body, the JSON answer.

Handlers stay thin by calling these instead of repeating the checks.
"""
import contextlib
import datetime
import functools
import gc
import json
import math

import jsonschema
from oslo_utils import uuidutils
import webob
import webob.exc

from placement import environ_keys
from placement import errors
from placement import exception
from placement import microversion

try:
    import orjson
except ImportError:  # a venv installed before orjson became a dependency
    orjson = None

JSON = 'application/json'

_FORMAT_CHECKER = jsonschema.FormatChecker()


@_FORMAT_CHECKER.checks('uuid')
def _is_uuid(value):
    return not isinstance(value, str) or uuidutils.is_uuid_like(value)


def context(req):
    return req.environ[environ_keys.CONTEXT]


def version(req):
    return microversion.requested(req)


def _validator(schema):
    return jsonschema.Draft7Validator(schema, format_checker=_FORMAT_CHECKER)


def validate(data, schema, prefix='JSON does not validate: %s'):
    """Raise a 400 naming the first schema violation of ``data``."""
    try:
        _validator(schema).validate(data)
    except jsonschema.ValidationError as exc:
        # The full text (with "Failed validating '<keyword>' in ..."), as
        # OpenStack Placement clients see it.
        raise errors.bad_request(prefix % exc)


def check_content_type(req):
    if req.content_type != JSON:
        if not req.content_type:
            # webob's 415 text names the request's media type; upstream's
            # says None when there is none.
            req.environ['CONTENT_TYPE'] = 'None'
        raise errors.http_error(
            webob.exc.HTTPUnsupportedMediaType,
            'The media type %(bad)s is not supported, use %(good)s',
            bad=req.content_type or None, good=JSON)


def _check_accept(req):
    if req.accept and not req.accept.acceptable_offers([JSON]):
        raise errors.http_error(webob.exc.HTTPNotAcceptable,
                                'Only %(type)s is provided', type=JSON)


# Which of 404 (too old a microversion), 406, 415, 403 and 404 (no such
# provider) a bad request gets depends on the order of the checks, which
# clients observe: each handler states its own, as OpenStack Placement
# does, by where these decorators stand next to microversion.min_version.

def requires_json(handler):
    """415 unless the request's body is declared application/json,
    before anything else the handler checks."""
    @functools.wraps(handler)
    def wrapper(req, *args, **kwargs):
        check_content_type(req)
        return handler(req, *args, **kwargs)
    return wrapper


def answers_json(handler):
    """406 unless the request accepts application/json, before anything
    else the handler checks."""
    @functools.wraps(handler)
    def wrapper(req, *args, **kwargs):
        _check_accept(req)
        return handler(req, *args, **kwargs)
    return wrapper


def extract_json(req, schema):
    """The validated JSON body of ``req``.

    415 for a body that is not declared application/json, 400 for
    malformed JSON or a body that does not match ``schema``.
    """
    check_content_type(req)
    max_depth = context(req).config.api.max_json_depth
    try:
        # Decoded first: a byte order mark is malformed JSON, as upstream
        # (which reads text) has it.
        data = json.loads(req.body.decode('utf-8'),
                          parse_constant=_not_a_number,
                          parse_float=_finite_float)
    except ValueError as exc:
        raise errors.bad_request('Malformed JSON: %(error)s', error=exc)
    except RecursionError:
        # Nested deeper than the interpreter's stack: certainly too deep.
        data, depth, text_ok = None, max_depth + 1, True
    else:
        depth, text_ok = inspect_json(data)
    if depth > max_depth:
        raise errors.bad_request(
            'Malformed JSON: arrays and objects are nested more than '
            '%(max)d levels deep.', max=max_depth)
    if not text_ok:
        # "\ud800" decodes to a lone surrogate, which no database
        # encoding can store.
        raise errors.bad_request(
            'Malformed JSON: a string contains a lone UTF-16 surrogate '
            '(\\ud800-\\udfff), which is not a Unicode character.')
    validate(data, schema)
    return data


def _not_a_number(name):
    # Python's decoder accepts NaN and Infinity, which are not JSON (RFC
    # 8259) and which no database column stores.
    raise ValueError('%s is not a JSON number' % name)


def _finite_float(text):
    value = float(text)
    if math.isinf(value):
        raise ValueError('%s is too large for a floating point number'
                         % text)
    return value


def inspect_json(data):
    """(nesting depth, whether every string is Unicode text) of decoded
    JSON. Iterative, so that no depth can overflow the stack."""
    deepest = 0
    text_ok = True
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            text_ok = text_ok and _is_text(value)
            continue
        if isinstance(value, dict):
            text_ok = text_ok and all(_is_text(key) for key in value)
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in children)
    return deepest, text_ok


def _is_text(value):
    try:
        value.encode('utf-8')
    except UnicodeEncodeError:
        return False
    return True


def validate_query(req, schema):
    """Check the query string (as a dict of its last values) against
    ``schema``."""
    validate(dict(req.GET), schema,
             prefix='Invalid query string parameters: %s')


def _http_date(value):
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def dumps(body):
    """UTF-8 JSON of ``body``. orjson: a candidate answer of 10,000
    providers is 5 MB of JSON, which json.dumps took 50 ms to write and
    orjson 5 ms; the text differs only in insignificant whitespace and in
    writing non-ASCII characters as UTF-8 rather than escapes."""
    if orjson is not None:
        try:
            return orjson.dumps(body)
        except TypeError:
            # What only json.dumps writes: integers beyond 64 bits, lone
            # surrogates (as escapes), non-string keys.
            pass
    return json.dumps(body).encode('utf-8')


# ``last_modified`` of an answer about nothing (an empty inventory):
# Cache-Control without Last-Modified, as upstream answers it.
UNDATED = object()


def json_response(req, body, status=200, last_modified=None, location=None):
    """A JSON response (``body`` an object, or its JSON already encoded
    by ``dumps``). From microversion 1.15 a GET (or a write that returns
    the written resource) carries Last-Modified and Cache-Control:
    no-cache; pass ``last_modified=False`` for answers that must not carry
    them, UNDATED for no Last-Modified only."""
    response = webob.Response(status=status, content_type=JSON,
                              charset=None)
    response.body = body if isinstance(body, bytes) else dumps(body)
    if last_modified is not False and version(req) >= (1, 15):
        if last_modified is not UNDATED:
            response.last_modified = _http_date(last_modified or utcnow())
        response.cache_control = 'no-cache'
    if location:
        response.location = location
    return response


def no_content(status=204):
    response = webob.Response(status=status)
    # No body, no content type: webob would otherwise default one.
    response.content_type = None
    return response


def latest(timestamps):
    """The newest of some created_at/updated_at values (None ignored), or
    now when there are none."""
    values = [t for t in timestamps if t is not None]
    return max(values) if values else utcnow()


def require_uuid(value, what='resource provider'):
    if not uuidutils.is_uuid_like(value):
        raise errors.bad_request('Malformed %(what)s uuid: %(value)s',
                                 what=what, value=value)


@contextlib.contextmanager
def gc_paused():
    """Hold off the cyclic garbage collector while a request builds many
    short-lived objects (a candidate search). Its full collections walk
    every long-lived object of the process and can double such a request's
    time; reference counting still frees the request's objects, and
    collection resumes afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def unknown_names_are_bad_requests(trait_context=''):
    """A query naming a resource class or trait that does not exist is the
    client's mistake (400), for every endpoint that takes the query
    language; ``trait_context`` starts the message of an unknown trait
    (GET /resource_providers has one, as upstream words it)."""
    try:
        yield
    except exception.ResourceClassNotFound as exc:
        raise errors.bad_request(
            'Invalid resource class in resources parameter: %(error)s',
            error=exc)
    except exception.TraitNotFound as exc:
        raise errors.bad_request(trait_context + str(exc))
