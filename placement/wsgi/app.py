"""Builds the application for a WSGI server process: config, logging,
database, middleware."""
import gc
import logging
import os

from oslo_log import log as oslo_logging

from placement import conf as placement_conf
from placement import deploy
from placement import metrics

LOG = logging.getLogger(__name__)


def init_application(argv=None, config_files=None):
    conf = placement_conf.load(argv, config_files=config_files)
    oslo_logging.setup(conf, 'placement')
    if conf.log_options:
        conf.log_opt_values(LOG, logging.DEBUG)
    if conf.api.auth_strategy == 'noauth2':
        LOG.warning('auth_strategy is noauth2: requests are not '
                    'authenticated. For local use and testing only.')
    application = deploy.loadapp(conf)
    if (conf.metrics.serve == 'port' and
            not os.environ.get(metrics.LISTENER_ENV)):
        # Not under placement-api (whose master listens): the first
        # process to bind the port serves every process's metrics.
        metrics.serve_on_port(conf)
    # What exists now (modules, config, the app) lives as long as the
    # process: keep it out of the cyclic collector's generations so that
    # collections during requests only walk the requests' own objects.
    gc.freeze()
    return application
