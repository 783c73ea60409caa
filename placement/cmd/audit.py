"""placement-manage audit [--json] [--fix-empty-consumers]

Reports what is inconsistent in the database (see placement.objects.audit
for each kind of finding). Exit status: 0 when nothing is wrong, 1 when
something is (after --fix-empty-consumers, the empty consumers it deleted
no longer count). Read-only unless --fix-empty-consumers is given.
"""
import json

from placement.objects import audit

_TITLES = {
    'usage_above_capacity': 'Usage above capacity',
    'allocation_without_inventory': 'Allocations without inventory',
    'consumer_without_allocations': 'Consumers without allocations',
    'broken_tree': 'Providers with a broken root or parent chain',
    'unused_aggregate': 'Aggregates no provider is a member of',
    'unused_trait': 'Custom traits no provider has',
    'unused_resource_class': 'Custom resource classes nothing uses',
}


def _line(kind, finding):
    if kind == 'usage_above_capacity':
        return ('provider %(resource_provider)s %(resource_class)s: used '
                '%(used)d > capacity %(capacity)d (over by %(over_by)d)'
                % finding)
    if kind == 'allocation_without_inventory':
        return ('provider %(resource_provider)s %(resource_class)s: '
                '%(used)d allocated to %(consumers)d consumer(s), no '
                'inventory' % finding)
    if kind == 'consumer_without_allocations':
        return 'consumer %(consumer)s (generation %(generation)s)' % finding
    if kind == 'broken_tree':
        return 'provider %(resource_provider)s: %(problem)s' % finding
    return ' '.join('%s' % value for value in finding.values())


def add_parser(commands, engine_of):
    """Register ``audit`` on placement-manage's sub-command parser;
    ``engine_of(conf)`` gives the engine once the database answers."""
    parser = commands.add_parser(
        'audit', help='Report inconsistencies in the database (exit 1 if '
        'any).')
    parser.add_argument('--json', action='store_true',
                        help='Print the findings as one JSON document.')
    parser.add_argument('--fix-empty-consumers', action='store_true',
                        help='Delete the consumers that have no '
                        'allocations.')
    parser.set_defaults(
        func=lambda conf, args: run(engine_of(conf), args))


def run(engine, args):
    with engine.connect() as conn:
        findings = audit.audit(conn)
    fixed = 0
    if args.fix_empty_consumers and findings['consumer_without_allocations']:
        with engine.begin() as conn:
            fixed = audit.delete_empty_consumers(conn)
        with engine.connect() as conn:
            findings['consumer_without_allocations'] = (
                audit.consumer_without_allocations(conn))
    remaining = sum(len(items) for items in findings.values())
    if args.json:
        body = {'findings': findings, 'total': remaining}
        if args.fix_empty_consumers:
            body['deleted_empty_consumers'] = fixed
        print(json.dumps(body, indent=2, sort_keys=True))
    else:
        for kind, items in findings.items():
            if items:
                print('%s (%d):' % (_TITLES[kind], len(items)))
                for finding in items:
                    print('  ' + _line(kind, finding))
        if args.fix_empty_consumers:
            print('Deleted %d consumer(s) without allocations.' % fixed)
        print('%d finding(s).' % remaining if remaining else
              'No inconsistencies found.')
    return 1 if remaining else 0
