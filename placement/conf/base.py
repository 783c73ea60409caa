import os

from oslo_config import cfg

base_opts = [
    cfg.StrOpt(
        'state_path',
        default=os.path.join(os.path.expanduser('~'), '.local', 'share',
                             'placement'),
        sample_default='$HOME/.local/share/placement',
        help="""
Directory for local state. When [placement_database] connection is not set,
the service keeps an SQLite database here (placement.sqlite).
"""),
    cfg.StrOpt('tempdir',
               help='Explicitly specify the temporary working directory.'),
    cfg.BoolOpt('log_options',
                default=True,
                help='Log the values of all registered options at startup '
                     '(DEBUG level).'),
]


def register_opts(conf):
    conf.register_opts(base_opts)


def list_opts():
    return {'DEFAULT': base_opts}
