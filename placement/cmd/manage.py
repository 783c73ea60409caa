"""placement-manage: database administration.

    placement-manage [--config-file F] db sync      migrate to the latest
                                                    schema, load standard
                                                    classes and traits
    placement-manage [--config-file F] db version   print the schema version
"""
import argparse
import sys

from placement.db import api as db_api
from placement.db import migration
from placement import conf as placement_conf


def _db_sync(conf, args):
    db = db_api.Database(conf, wait_for_database=True)
    migration.upgrade(db.engine)
    print('Database schema at %s' % migration.current_version(db.engine))
    return 0


def _db_version(conf, args):
    db = db_api.Database(conf, wait_for_database=True)
    print(migration.current_version(db.engine) or 'None')
    return 0


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='placement-manage')
    commands = parser.add_subparsers(dest='category', required=True)
    db = commands.add_parser('db', help='Database schema commands.')
    db_commands = db.add_subparsers(dest='action', required=True)
    db_commands.add_parser('sync', help='Upgrade the schema to the latest '
                           'version.').set_defaults(func=_db_sync)
    db_commands.add_parser('version', help='Print the current schema '
                           'version.').set_defaults(func=_db_version)
    return parser.parse_known_args(argv)


def main(argv=None):
    args, oslo_argv = parse_args(sys.argv[1:] if argv is None else argv)
    conf = placement_conf.load(oslo_argv)
    return args.func(conf, args)


if __name__ == '__main__':
    sys.exit(main())
