from oslo_config import cfg

DEFAULT_CONSUMER_MISSING_ID = '00000000-0000-0000-0000-000000000000'

placement_group = cfg.OptGroup('placement', title='Placement Service Options')

placement_opts = [
    cfg.BoolOpt(
        'randomize_allocation_candidates', default=False,
        help="""
If True, a limited allocation candidate answer is a random sample of all the
candidates. If False, the order is deterministic (but unspecified): the same
request on the same data gives the same answer.
"""),
    cfg.StrOpt(
        'incomplete_consumer_project_id', default=DEFAULT_CONSUMER_MISSING_ID,
        help="""
Project recorded for consumers whose allocations were written with a
microversion before 1.8, which did not require a project.
"""),
    cfg.StrOpt(
        'incomplete_consumer_user_id', default=DEFAULT_CONSUMER_MISSING_ID,
        help="""
User recorded for consumers whose allocations were written with a
microversion before 1.8, which did not require a user.
"""),
    cfg.IntOpt(
        'allocation_conflict_retry_count', default=10, min=0,
        help="""
How many times the server retries writing allocations when a resource
provider generation changed underneath it (another writer won the race).
Each retry is a new database transaction that re-reads usage.
"""),
    cfg.IntOpt(
        'max_allocation_candidates', default=-1,
        help="""
Upper bound on the allocation candidates generated for one request; -1 means
no bound. The search stops as soon as this many candidates exist, so it
bounds time and memory, not just the size of the answer.
"""),
    cfg.StrOpt(
        'allocation_candidates_generation_strategy', default='depth-first',
        choices=('depth-first', 'breadth-first'),
        help="""
Order in which root providers are visited when candidates are generated:
depth-first takes every candidate of one root before the next root;
breadth-first takes one candidate from each viable root in turn, which
spreads a bounded answer over more hosts.
"""),
]


def register_opts(conf):
    conf.register_group(placement_group)
    conf.register_opts(placement_opts, group=placement_group)


def list_opts():
    return {placement_group: placement_opts}
