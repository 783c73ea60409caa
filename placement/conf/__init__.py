"""Configuration: option definitions and how a ConfigOpts is loaded.

Every option can be set in placement.conf or, with precedence over the
file, through an ``OS_<GROUP>__<OPTION>`` environment variable (oslo.config's
environment source), e.g. ``OS_PLACEMENT_DATABASE__CONNECTION``.
"""
import os

from oslo_config import cfg
from oslo_log import log as logging

from placement.conf import opts


def register_opts(conf):
    for module in opts.MODULES:
        for group, group_opts in module.list_opts().items():
            if group == 'DEFAULT':
                conf.register_opts(group_opts)
                continue
            # A new OptGroup for every ConfigOpts: oslo.config copies a
            # registered group shallowly, so a module-level OptGroup would
            # share option values (overrides too) between all the
            # ConfigOpts that register it, e.g. between two applications
            # in one process.
            conf.register_group(cfg.OptGroup(
                group.name, title=group.title, help=group.help))
            conf.register_opts(group_opts, group=group.name)


def default_config_files():
    """placement.conf in $OS_PLACEMENT_CONFIG_DIR, or oslo.config's search.

    oslo.config searches ~/.placement/, ~/, /etc/placement/ and /etc/ for
    placement.conf (and placement.conf.d/) when given None.
    """
    conf_dir = os.environ.get('OS_PLACEMENT_CONFIG_DIR')
    if conf_dir:
        path = os.path.join(conf_dir, 'placement.conf')
        return [path] if os.path.exists(path) else []
    return None


def prepare(conf):
    """Register every placement and logging option on ``conf``, with
    placement's defaults, before it is parsed (by load(), or by a library
    that parses it itself such as oslo.upgradecheck)."""
    register_opts(conf)
    logging.register_options(conf)
    opts.set_defaults(conf)
    return conf


def load(argv=None, conf=None, config_files=None):
    """Return a ConfigOpts with every placement option, parsed from argv,
    config files and the environment."""
    conf = prepare(conf if conf is not None else cfg.ConfigOpts())
    if config_files is None:
        config_files = default_config_files()
    conf(argv if argv is not None else [], project='placement',
         default_config_files=config_files)
    return conf


def database_url(conf):
    """The configured connection, or the embedded SQLite file."""
    url = conf.placement_database.connection
    if url:
        return url
    os.makedirs(conf.state_path, exist_ok=True)
    return 'sqlite:///' + os.path.join(conf.state_path, 'placement.sqlite')


def uses_embedded_database(conf):
    return not conf.placement_database.connection
