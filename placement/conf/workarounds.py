from oslo_config import cfg

workarounds_group = cfg.OptGroup('workarounds', title='Workaround options')

workarounds_opts = [
    cfg.BoolOpt(
        'optimize_for_wide_provider_trees', default=False,
        help="""
Accepted for compatibility with placement.conf files written for OpenStack
Placement. This service always prunes candidate combinations as it builds
them, so the option changes nothing.
"""),
]


def register_opts(conf):
    conf.register_group(workarounds_group)
    conf.register_opts(workarounds_opts, group=workarounds_group)


def list_opts():
    return {workarounds_group: workarounds_opts}
