from placement.policies import base

RP_ALLOC_LIST = 'placement:resource_providers:allocations:list'
ALLOC_MANAGE = 'placement:allocations:manage'
ALLOC_LIST = 'placement:allocations:list'
ALLOC_UPDATE = 'placement:allocations:update'
ALLOC_DELETE = 'placement:allocations:delete'

rules = [
    base.api_rule(ALLOC_MANAGE, 'Manage allocations.', 'POST',
                  '/allocations'),
    base.api_rule(ALLOC_LIST, 'List allocations.', 'GET',
                  '/allocations/{consumer_uuid}'),
    base.api_rule(ALLOC_UPDATE, 'Update allocations.', 'PUT',
                  '/allocations/{consumer_uuid}'),
    base.api_rule(ALLOC_DELETE, 'Delete allocations.', 'DELETE',
                  '/allocations/{consumer_uuid}'),
    base.api_rule(RP_ALLOC_LIST, 'List resource provider allocations.',
                  'GET', '/resource_providers/{uuid}/allocations'),
]
