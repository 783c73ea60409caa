from placement.policies import base

LIST = 'placement:allocation_candidates:list'

rules = [
    base.api_rule(LIST, 'List allocation candidates.', 'GET',
                  '/allocation_candidates'),
]
