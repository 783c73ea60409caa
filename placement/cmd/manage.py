"""placement-manage: database administration.

    placement-manage [--config-file F] db sync      migrate to the latest
                                                    schema, load standard
                                                    classes and traits
    placement-manage [--config-file F] db version   print the schema version

Both wait for an unreachable database as [placement_database] max_retries
and retry_interval say, then give up with exit status 1.
"""
import argparse
import sys
import time

from placement.cmd import audit as audit_cmd
from placement.db import api as db_api
from placement.db import migration
from placement import conf as placement_conf


def _engine(conf):
    """The engine, once a connection to the database succeeds."""
    engine = db_api.Database(conf).engine
    opts = conf.placement_database
    attempts = 0
    while True:
        try:
            with engine.connect():
                return engine
        except Exception as exc:
            if not db_api.is_db_unavailable(exc):
                raise
            attempts += 1
            if opts.max_retries != -1 and attempts >= max(opts.max_retries,
                                                          1):
                raise
            print('placement-manage: the database is unreachable; '
                  'retrying in %ss' % opts.retry_interval, file=sys.stderr)
            time.sleep(opts.retry_interval)


def _db_sync(conf, args):
    engine = _engine(conf)
    migration.upgrade(engine)
    print('Database schema at %s' % migration.current_version(engine))
    return 0


def _db_version(conf, args):
    print(migration.current_version(_engine(conf)) or 'None')
    return 0


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='placement-manage')
    # oslo.config's own options, accepted before the command too.
    parser.add_argument('--config-file', action='append', default=[],
                        help='placement.conf to read (repeatable).')
    parser.add_argument('--config-dir', action='append', default=[],
                        help='Directory of *.conf files to read.')
    commands = parser.add_subparsers(dest='category', required=True)
    db = commands.add_parser('db', help='Database schema commands.')
    db_commands = db.add_subparsers(dest='action', required=True)
    db_commands.add_parser('sync', help='Upgrade the schema to the latest '
                           'version.').set_defaults(func=_db_sync)
    db_commands.add_parser('version', help='Print the current schema '
                           'version.').set_defaults(func=_db_version)
    audit_cmd.add_parser(commands, _engine)
    return parser.parse_known_args(argv)


def _reason(exc):
    """The driver's own words (first line): the operator needs the host
    and port here, unlike an API client."""
    orig = getattr(exc, 'orig', None) or getattr(
        getattr(exc, 'inner_exception', None), 'orig', None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else (
        type(exc).__name__)


def main(argv=None):
    args, oslo_argv = parse_args(sys.argv[1:] if argv is None else argv)
    for option in ('config_file', 'config_dir'):
        for value in getattr(args, option):
            oslo_argv += ['--' + option.replace('_', '-'), value]
    conf = placement_conf.load(oslo_argv)
    try:
        return args.func(conf, args)
    except Exception as exc:
        if not db_api.is_db_unavailable(exc):
            raise
        print('placement-manage: cannot reach the database: %s'
              % _reason(exc), file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main())
