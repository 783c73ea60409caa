"""Builds the RequestContext from what auth left in the environ."""
from placement import context
from placement import environ_keys


class ContextMiddleware:

    def __init__(self, application, db, conf, enforcer):
        self.application = application
        self.db = db
        self.conf = conf
        self.enforcer = enforcer

    # Paths answered without the database: version discovery, and the
    # metrics, which matter most when the database is down.
    WITHOUT_DATABASE = ('', '/', '/metrics')

    def __call__(self, environ, start_response):
        if environ.get('PATH_INFO', '/') not in self.WITHOUT_DATABASE:
            self.db.ensure_standard_data()
        environ[environ_keys.CONTEXT] = context.RequestContext.from_environ(
            environ, db=self.db, config=self.conf, enforcer=self.enforcer)
        return self.application(environ, start_response)
