"""placement-manage: database administration.

    placement-manage [--config-file F] [--config-dir D] <category> <action>
    placement-manage --version

    db sync                       create the schema or migrate it to the
                                  latest revision (taking over a database
                                  of upstream Placement), load standard
                                  resource classes and traits
    db version                    print the schema revision (None if none)
    db stamp REVISION             record REVISION (or head) as the schema's
                                  revision without migrating
    db online_data_migrations [--max-count N]
                                  fix old records in batches (see
                                  placement.db.data_migrations)

Commands that need the database wait for it as [placement_database]
max_retries and retry_interval say, then give up with exit status 1.

Each category is one ``add_*_commands(subparsers)`` function listed in
CATEGORIES; an action is a subparser whose ``func(conf, args)`` returns the
exit status.
"""
import argparse
from importlib import metadata
import sys
import time

from placement.cmd import audit as audit_cmd
from placement.db import api as db_api
from placement.db import data_migrations
from placement.db import migration
from placement.db import takeover
from placement import conf as placement_conf

# Batch size of online_data_migrations without --max-count.
_BATCH = 50


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


def _fail(message):
    print('placement-manage: %s' % message, file=sys.stderr)
    return 1


# -- db ---------------------------------------------------------------------

def _db_sync(conf, args):
    engine = _engine(conf)
    try:
        migration.upgrade(engine, conf=conf)
    except takeover.TakeoverRefused as exc:
        return _fail(exc)
    print('Database schema at %s' % migration.current_version(engine))
    return 0


def _db_version(conf, args):
    print(migration.current_version(_engine(conf)) or 'None')
    return 0


def _db_stamp(conf, args):
    if args.version != 'head' and not migration.known_revision(args.version):
        return _fail('unknown revision %r (known: %s, or head)' % (
            args.version, ', '.join(
                r.revision for r in
                migration.script_directory().walk_revisions())))
    engine = _engine(conf)
    migration.stamp(engine, args.version)
    print('Database schema stamped at %s' % migration.current_version(engine))
    return 0


def _run_online_migrations(engine, conf, limit):
    """One pass of every migration: rows of (name, found, done), and
    whether one of them failed (it is reported and the others still run)."""
    results, failed = [], False
    for name, migrate in data_migrations.ONLINE_MIGRATIONS:
        left = None if limit is None else limit - sum(r[2] for r in results)
        if left is not None and left <= 0:
            break
        try:
            with engine.begin() as conn:
                found, done = migrate(conn, left, conf)
        except Exception as exc:
            if db_api.is_db_unavailable(exc):
                raise
            print('Error attempting to run %s: %s' % (name, exc),
                  file=sys.stderr)
            found, done, failed = 0, 0, True
        results.append((name, found, done))
    return results, failed


def _db_online_data_migrations(conf, args):
    """Exit status as upstream's: 0 nothing (more) to do, 1 --max-count
    stopped with some records fixed (run again), 2 a migration failed and
    nothing else could be fixed, 127 a bad --max-count."""
    if args.max_count is not None and args.max_count < 1:
        print('Must supply a positive value for max_count', file=sys.stderr)
        return 127
    engine = _engine(conf)
    totals = {}
    if args.max_count is None:
        print('Running batches of %d until complete' % _BATCH)
        while True:
            results, failed = _run_online_migrations(engine, conf, _BATCH)
            for name, found, done in results:
                total = totals.setdefault(name, [0, 0])
                total[0] += found
                total[1] += done
            if not any(done for _, _, done in results):
                break
    else:
        results, failed = _run_online_migrations(engine, conf,
                                                 args.max_count)
        for name, found, done in results:
            totals[name] = [found, done]
    _print_table(('Migration', 'Total Found', 'Completed'),
                 [(name, found, done) for name, (found, done)
                  in totals.items()])
    fixed = any(done for _, _, done in results)
    if failed and not fixed:
        return 2
    if args.max_count is not None and fixed:
        return 1
    return 0


def _print_table(header, rows):
    widths = [max(len(str(cell)) for cell in column)
              for column in zip(header, *rows)]
    rule = '+' + '+'.join('-' * (w + 2) for w in widths) + '+'
    print(rule)
    for row in (header,) + tuple(rows):
        print('|' + '|'.join(' %s ' % str(cell).center(w)
                             for cell, w in zip(row, widths)) + '|')
        if row is header:
            print(rule)
    print(rule)


def add_db_commands(commands):
    db = commands.add_parser('db', help='Database schema and data commands.')
    actions = db.add_subparsers(dest='action', required=True)
    actions.add_parser(
        'sync', help='Create the schema or upgrade it to the latest '
        'revision.').set_defaults(func=_db_sync)
    actions.add_parser(
        'version', help='Print the current schema revision.'
    ).set_defaults(func=_db_version)
    stamp = actions.add_parser(
        'stamp', help='Record the given revision as the schema\'s revision '
        'without running any migration.')
    stamp.add_argument('version', help='the revision to stamp, or head')
    stamp.set_defaults(func=_db_stamp)
    online = actions.add_parser(
        'online_data_migrations', help='Run the online data migrations.')
    online.add_argument('--max-count', type=int, metavar='<number>',
                        help='Maximum number of records to fix.')
    online.set_defaults(func=_db_online_data_migrations)


def add_audit_commands(commands):
    audit_cmd.add_parser(commands, _engine)


CATEGORIES = (add_db_commands, add_audit_commands)


def _version():
    try:
        return metadata.version('placement')
    except metadata.PackageNotFoundError:
        return 'unknown'


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='placement-manage')
    parser.add_argument('--version', action='version', version=_version())
    # oslo.config's own options, accepted before the command too.
    parser.add_argument('--config-file', action='append', default=[],
                        help='placement.conf to read (repeatable).')
    parser.add_argument('--config-dir', action='append', default=[],
                        help='Directory of *.conf files to read.')
    commands = parser.add_subparsers(dest='category', required=True)
    for add_commands in CATEGORIES:
        add_commands(commands)
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
