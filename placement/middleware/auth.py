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
        if not token:
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


class KeystoneMiddleware:
    """keystonemiddleware's auth_token, configured from [keystone_authtoken]
    of the application's ConfigOpts, bypassed for the root document."""

    def __init__(self, application, conf):
        self.application = application
        self.protected = auth_token.AuthProtocol(
            application, {'oslo_config_config': conf})

    def __call__(self, environ, start_response):
        if _is_public(environ):
            return self.application(environ, start_response)
        return self.protected(environ, start_response)
