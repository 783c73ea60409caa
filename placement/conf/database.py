from oslo_config import cfg

placement_db_group = cfg.OptGroup(
    'placement_database',
    title='Placement API database options',
    help="""
The database of the placement service. When 'connection' is unset the service
uses an SQLite file under [DEFAULT] state_path, which suits a single host.
""")

# The names mirror oslo.db's [database] options so that existing
# placement.conf files keep working; they live in their own group because
# placement has always used [placement_database].
placement_db_opts = [
    cfg.StrOpt('connection', secret=True,
               help='SQLAlchemy URL of the database, for example '
                    'postgresql+psycopg2://user:pw@host/placement or '
                    'mysql+pymysql://user:pw@host/placement?charset=utf8. '
                    'Unset means an SQLite file under [DEFAULT] state_path.'),
    cfg.StrOpt('connection_parameters', default='',
               help='Extra query parameters appended to the connection URL.'),
    cfg.BoolOpt('sqlite_synchronous', default=True,
                help='If False, SQLite does not fsync on commit.'),
    cfg.StrOpt('slave_connection', secret=True,
               help='Connection URL for read-only queries (optional).'),
    cfg.StrOpt('mysql_sql_mode', default='TRADITIONAL',
               help='SQL mode for MySQL sessions.'),
    cfg.IntOpt('connection_recycle_time', default=3600,
               help='Seconds after which a pooled connection is replaced.'),
    cfg.IntOpt('max_pool_size',
               help='Maximum number of pooled connections per process.'),
    cfg.IntOpt('max_retries', default=10,
               help='Maximum number of connection attempts at startup; '
                    '-1 retries forever.'),
    cfg.IntOpt('retry_interval', default=10,
               help='Seconds between connection attempts at startup.'),
    cfg.IntOpt('max_overflow',
               help='Connections allowed above max_pool_size.'),
    cfg.IntOpt('connection_debug', default=0, min=0, max=100,
               help='SQL debugging verbosity: 0 none, 100 everything.'),
    cfg.BoolOpt('connection_trace', default=False,
                help='Add Python stack traces to SQL as comment strings.'),
    cfg.IntOpt('pool_timeout',
               help='Seconds to wait for a pooled connection.'),
    cfg.BoolOpt('sync_on_startup', default=False,
                help='If True, the web service migrates the database schema '
                     'and loads the standard resource classes and traits '
                     'when it starts. Safe with many workers: one migrates, '
                     'the others wait for it.'),
]


def register_opts(conf):
    conf.register_group(placement_db_group)
    conf.register_opts(placement_db_opts, group=placement_db_group)


def list_opts():
    return {placement_db_group: placement_db_opts}
