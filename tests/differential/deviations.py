"""The allow-list of deliberate differences from upstream Placement
16.0.0. Each entry names its section of doc/deviations.rst, where the
reason and the test that shows it are given; keep it tiny."""

# (section of doc/deviations.rst, predicate(request, upstream, ours,
# difference class, description))
KNOWN = []


def explain(request, upstream, ours, cls, text):
    for section, predicate in KNOWN:
        if predicate(request, upstream, ours, cls, text):
            return section
    return None
