"""Authentication: keystonemiddleware, or noauth2 for local use.

The root document (``GET /``) is open in both modes, as version discovery
must work before a client has a token; so is the API description
(``GET /openapi.json``), which holds no data either.
"""
from keystonemiddleware import auth_token
import webob.dec
import webob.exc

from placement import errors


# Paths any client may read without a token.
PUBLIC_PATHS = ('/', '/openapi.json')


def _is_public(environ):
    return environ.get('PATH_INFO', '') in ('',) + PUBLIC_PATHS


class NoAuthMiddleware:
    """Trust ``X-Auth-Token: <user>[:<project>]``.

    The project defaults to the user; roles come from ``X-Roles``, or are
    ``admin`` for the user ``admin``. Headers a client sent itself
    (X-Project-Id, OpenStack-System-Scope) are left for the context to read.
    """

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify
    def __call__(self, req):
        if _is_public(req.environ):
            return self.application
        token = req.headers.get('X-Auth-Token')
        # An empty token is a token (of the user ''), as upstream's noauth2
        # has it: the policy refuses it (403), not the authentication.
        if token is None:
            raise errors.ensure_json_format(webob.exc.HTTPUnauthorized())
        user_id, _sep, project_id = token.partition(':')
        project_id = project_id or user_id
        if 'X-Roles' in req.headers:
            roles = req.headers['X-Roles']
        else:
            roles = 'admin' if user_id == 'admin' else ''
        req.headers['X-User-Id'] = user_id
        req.headers['X-Tenant-Id'] = project_id
        req.headers['X-Roles'] = roles
        return self.application


# keystonemiddleware waits for keystone without any limit by default, so a
# keystone that accepts connections but never answers held a worker until
# the WSGI server killed it. These bound each call to keystone (seconds)
# and the reconnection attempts after a refused or timed out connection;
# [keystone_authtoken] in placement.conf overrides them.
KEYSTONE_DEFAULTS = {'http_connect_timeout': 5,
                     'http_request_max_retries': 1}

KEYSTONE_UNAVAILABLE = ('The identity service (keystone) could not be '
                        'reached or did not answer in time, so the token '
                        'could not be validated. The request was not '
                        'carried out; try again later.')

_REACHED = 'placement.auth.reached_application'


class KeystoneMiddleware:
    """keystonemiddleware's auth_token, configured from [keystone_authtoken]
    of the application's ConfigOpts, bypassed for the root document.

    A 503 from auth_token itself (keystone unreachable or too slow) is
    answered in placement's JSON error format; one from the application
    behind it passes through unchanged.
    """

    def __init__(self, application, conf):
        self.application = application
        # auth_token reads its options when it is built: register them
        # first to give them placement's defaults.
        for group, opts in auth_token.list_opts():
            conf.register_opts(opts, group=group)
        for name, value in KEYSTONE_DEFAULTS.items():
            conf.set_default(name, value, group='keystone_authtoken')
        self.protected = auth_token.AuthProtocol(
            self._mark_reached, {'oslo_config_config': conf})

    def _mark_reached(self, environ, start_response):
        environ[_REACHED] = True
        return self.application(environ, start_response)

    @webob.dec.wsgify
    def __call__(self, req):
        if _is_public(req.environ):
            return self.application
        response = req.get_response(self.protected)
        if (response.status_int == 503 and
                not req.environ.get(_REACHED)):
            raise errors.http_error(webob.exc.HTTPServiceUnavailable,
                                    KEYSTONE_UNAVAILABLE)
        return response
