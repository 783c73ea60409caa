from oslo_config import cfg

metrics_group = cfg.OptGroup(
    'metrics', title='Prometheus metrics',
    help='GET /metrics in the Prometheus text format (placement/metrics.py '
         'lists the metrics).')

metrics_opts = [
    cfg.StrOpt(
        'serve', default='app', choices=(
            ('app', 'GET /metrics on the API itself, behind authentication '
                    'and the placement:metrics:get policy rule'),
            ('port', 'GET /metrics on a separate listener at host:port, '
                     'without authentication (protect it by where it '
                     'listens)'),
            ('none', 'no metrics are collected or served')),
        help='Where the Prometheus metrics are served.'),
    cfg.HostAddressOpt(
        'host', default='127.0.0.1',
        help='Address of the separate metrics listener (serve = port).'),
    cfg.PortOpt(
        'port', default=9778,
        help='Port of the separate metrics listener (serve = port).'),
]


def list_opts():
    return {metrics_group: metrics_opts}
