"""Option listing for oslo-config-generator (entry point placement.conf)."""
from oslo_middleware import cors

from placement.conf import api
from placement.conf import base
from placement.conf import database
from placement.conf import healthcheck
from placement.conf import metrics
from placement.conf import placement
from placement.conf import workarounds

MODULES = (api, base, database, healthcheck, placement, workarounds, metrics)


def list_opts():
    opts = {}
    for module in MODULES:
        for group, group_opts in module.list_opts().items():
            opts.setdefault(group, []).extend(group_opts)
    return list(opts.items())


def set_defaults(conf=None):
    """Placement's defaults for library options (the
    oslo.config.opts.defaults hook, also applied when config is loaded):
    CORS lets browsers send and read the microversion header."""
    cors.set_defaults(
        allow_headers=['X-Auth-Token', 'X-Openstack-Request-Id',
                       'OpenStack-API-Version'],
        expose_headers=['X-Auth-Token', 'X-Openstack-Request-Id',
                        'OpenStack-API-Version'],
        allow_methods=['GET', 'PUT', 'POST', 'DELETE'])
