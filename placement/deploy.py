"""Composes the WSGI application from its middleware.

Outermost first::

    /healthcheck (oslo.middleware, unless disabled) -> PathDecoder
      -> RequestId -> RequestLog -> CORS (when [cors] allowed_origin is set)
      -> metrics (unless [metrics] serve = none)
      -> FaultWrapper -> auth (keystone | noauth2) -> ContextMiddleware
      -> MicroversionMiddleware -> BodyGuard -> Router
      -> placement.handlers.*
"""
import logging

from oslo_middleware import cors
from oslo_middleware import request_id

from placement.db import api as db_api
from placement.db import migration
from placement.middleware import auth
from placement.middleware import context as context_mw
from placement.middleware import fault
from placement.middleware import healthcheck
from placement.middleware import metrics as metrics_mw
from placement.middleware import request_guard
from placement.middleware import requestlog
from placement import conf as placement_conf
from placement import microversion
from placement import policy
from placement import router

LOG = logging.getLogger(__name__)


class PlacementRequestId(request_id.RequestId):
    # Answer with both the current and the legacy header name.
    compat_headers = ['openstack-request-id']


def _cors(application, conf):
    """CORS is on only when [cors] allowed_origin is configured."""
    middleware = cors.CORS(application, conf)
    return middleware if conf.cors.allowed_origin else application


def build_app(conf, db):
    enforcer = policy.make_enforcer(conf)
    application = router.Router()
    application = request_guard.BodyGuard(application, conf)
    application = microversion.MicroversionMiddleware(application)
    application = context_mw.ContextMiddleware(application, db, conf,
                                               enforcer)
    if conf.api.auth_strategy == 'noauth2':
        application = auth.NoAuthMiddleware(application)
    else:
        application = auth.KeystoneMiddleware(application, conf)
    application = fault.FaultWrapper(application)
    application = metrics_mw.wrap(application, conf, db)
    application = _cors(application, conf)
    application = requestlog.RequestLog(application)
    application = PlacementRequestId(application)
    application = request_guard.PathDecoder(application)
    application = healthcheck.wrap(application, conf)
    return application


def prepare_database(conf, db):
    """Migrate when asked to, or when the embedded SQLite database is in use
    (nothing else would create it)."""
    if (conf.placement_database.sync_on_startup or
            placement_conf.uses_embedded_database(conf)):
        try:
            migration.upgrade(db.engine, conf=conf)
        except Exception as exc:
            if not db_api.is_db_unavailable(exc):
                raise
            # Come up anyway: requests get a 503 until the database
            # answers, and the first one that reaches it migrates.
            LOG.warning('Database unreachable at startup (%s); the schema '
                        'will be synced when it becomes reachable.',
                        type(exc).__name__)
            db.migrate_on_first_use = True


def loadapp(conf):
    db = db_api.Database(conf)
    prepare_database(conf, db)
    return build_app(conf, db)
