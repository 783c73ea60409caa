from placement.policies import base

RESHAPE = 'placement:reshaper:reshape'

rules = [
    base.api_rule(RESHAPE, 'Reshape Inventory and Allocations.', 'POST',
                  '/reshaper', check_str=base.SERVICE),
]
