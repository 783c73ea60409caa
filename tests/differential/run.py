"""Runs generated request sequences against upstream and this service and
reports the differences.

    python -m tests.differential.run [--backend sqlite|postgresql]
        [--requests N] [--seed S] [--show N]

(the environment variables PLACEMENT_DIFF_REQUESTS and PLACEMENT_DIFF_SEED
set the defaults of the pytest run too).
"""
import argparse
import collections
import sys
import time

from tests.differential import compare
from tests.differential import deviations
from tests.differential import generate
from tests.differential import servers


class Report:
    def __init__(self):
        self.requests = 0
        self.by_class = collections.Counter()
        self.explained = collections.Counter()
        self.unexplained = []
        self.statuses = collections.Counter()
        self.routes = collections.Counter()

    def summary(self):
        lines = ['%d requests; statuses %s' % (
            self.requests, dict(sorted(self.statuses.items())))]
        lines.append('routes: %d distinct method+path shapes'
                     % len(self.routes))
        lines.append('unexplained differences: %d %s' % (
            len(self.unexplained), dict(self.by_class)))
        if self.explained:
            lines.append('explained (doc/deviations.rst): %s'
                         % dict(self.explained))
        return '\n'.join(lines)

    def signatures(self, limit=40):
        """The differences grouped by class, route and the start of the
        description, biggest groups first, one example each."""
        groups = collections.OrderedDict()
        for request, found in self.unexplained:
            for cls, text in found:
                key = (cls, _shape(request),
                       compare.UUID_RE.sub('U', text)[:90])
                groups.setdefault(key, []).append((request, text))
        out = []
        for key, items in sorted(groups.items(),
                                 key=lambda kv: -len(kv[1]))[:limit]:
            request, text = items[0]
            out.append('%4d [%s] %s\n       %s\n       %s' % (
                len(items), key[0], key[1], request.describe()[:300],
                text[:700]))
        return '\n'.join(out)

    def details(self, limit=20):
        out = []
        for request, found in self.unexplained[:limit]:
            out.append(request.describe())
            for cls, text in found:
                out.append('    [%s] %s' % (cls, text))
        return '\n'.join(out)


def _shape(request):
    parts = [p if len(p) < 30 else '{id}'
             for p in request.path.split('/')]
    return '%s %s' % (request.method, '/'.join(parts))


def run_pair(pair, budget, seed, deadline=None, only=None,
             ordered=True):
    """Send at least ``budget`` requests (whole scenarios) to ``pair``;
    ``only``: names of the scenarios to draw from (default all)."""
    report = Report()
    world = generate.World(seed)
    for scenario in generate.scenarios(world, only):
        if report.requests >= budget or (
                deadline and time.monotonic() > deadline):
            break
        steps = scenario(world)
        answer = None
        while True:
            try:
                request = steps.send(answer)
            except StopIteration:
                break
            upstream, ours = pair.send(request)
            report.requests += 1
            report.statuses[upstream.status] += 1
            report.routes[_shape(request)] += 1
            found = compare.differences(request, upstream, ours,
                                        world.known, ordered)
            unexplained = []
            for cls, text in found:
                reason = deviations.explain(request, upstream, ours, cls,
                                            text)
                if reason:
                    report.explained[reason] += 1
                else:
                    unexplained.append((cls, text))
            if unexplained:
                for cls, _ in unexplained:
                    report.by_class[cls] += 1
                report.unexplained.append((request, unexplained))
            answer = upstream
    return report


def run(backend, budget, seed, deadline=None, only=None):
    """The run on ``backend``. Order is compared on SQLite only: upstream
    lists rows without ORDER BY, which on SQLite is the order they were
    written and on PostgreSQL the physical order, which every update
    changes."""
    with servers.server_pair(backend) as (upstream, ours):
        pair = compare.Pair(upstream.port, ours.port)
        try:
            return run_pair(pair, budget, seed, deadline, only,
                            ordered=backend == 'sqlite')
        finally:
            pair.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--backend', default='sqlite',
                        choices=['sqlite', 'postgresql'])
    parser.add_argument('--requests', type=int, default=5000)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--show', type=int, default=30)
    parser.add_argument('--only', action='append',
                        help='a scenario of generate.py (repeatable)')
    args = parser.parse_args(argv)
    started = time.monotonic()
    report = run(args.backend, args.requests, args.seed, only=args.only)
    print(report.summary())
    print(report.signatures(args.show))
    print('%.0fs' % (time.monotonic() - started))
    return 1 if report.unexplained else 0


if __name__ == '__main__':
    sys.exit(main())
