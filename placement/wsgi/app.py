"""Builds the application for a WSGI server process: config, logging,
database, middleware."""
import gc
import logging

from oslo_log import log as oslo_logging

from placement import conf as placement_conf
from placement import deploy

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
    # What exists now (modules, config, the app) lives as long as the
    # process: keep it out of the cyclic collector's generations so that
    # collections during requests only walk the requests' own objects.
    gc.freeze()
    return application
