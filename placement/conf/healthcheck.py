"""[healthcheck]: placement's switch for /healthcheck, plus the options of
oslo.middleware's healthcheck application (registered here so that they
can be set in placement.conf and OS_HEALTHCHECK__* variables before the
application is built, and appear in the sample configuration)."""
from oslo_config import cfg
from oslo_middleware import opts as middleware_opts

healthcheck_group = cfg.OptGroup(
    'healthcheck', title='Health check options',
    help='GET or HEAD /healthcheck for load balancers and monitoring, '
         'answered by oslo.middleware before authentication.')

healthcheck_opts = [
    cfg.BoolOpt(
        'enabled',
        default=True,
        help="""
Answer GET and HEAD /healthcheck without authentication: 200 (HEAD: 204)
while the process serves requests, 503 when a configured backend (for
example disable_by_file) reports it unavailable; the body lists the
backends' reasons (text, JSON or HTML after the Accept header). The answer
does not involve the database. When False, /healthcheck is an ordinary URL
(404).
"""),
]


def _library_opts():
    return [opt for _group, opts in middleware_opts.list_opts_healthcheck()
            for opt in opts]


def list_opts():
    return {healthcheck_group: healthcheck_opts + _library_opts()}
