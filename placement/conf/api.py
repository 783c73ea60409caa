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
    cfg.IntOpt(
        'max_request_body_size',
        default=1048576,
        min=0,
        help="""
Largest request body accepted, in bytes; 0 means no limit. A larger body
is refused with a 413 before it is read (from its Content-Length) or as
soon as the limit is passed (a chunked body). The largest bodies clients
send are POST /allocations and POST /reshaper for many consumers at once,
a few hundred bytes per consumer and provider.
"""),
    cfg.IntOpt(
        'max_json_depth',
        default=32,
        min=1,
        max=200,
        help="""
Deepest nesting of arrays and objects accepted in a JSON request body; a
deeper body is refused with a 400. The bodies of the API nest at most six
levels; the limit keeps a maliciously deep body from exhausting the
interpreter's stack.
"""),
]


def register_opts(conf):
    conf.register_group(api_group)
    conf.register_opts(api_opts, group=api_group)


def list_opts():
    return {api_group: api_opts}
