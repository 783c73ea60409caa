from oslo_config import cfg

api_group = cfg.OptGroup('api', title='API options')

api_opts = [
    cfg.StrOpt(
        'auth_strategy',
        default='keystone',
        choices=('keystone', 'noauth2'),
        deprecated_group='DEFAULT',
        help="""
How requests are authenticated. 'keystone' validates tokens with
keystonemiddleware ([keystone_authtoken] options). 'noauth2' trusts the
X-Auth-Token header as '<user>[:<project>]' and is meant for local use and
testing only: the user 'admin' gets the admin role.
"""),
]


def register_opts(conf):
    conf.register_group(api_group)
    conf.register_opts(api_opts, group=api_group)


def list_opts():
    return {api_group: api_opts}
