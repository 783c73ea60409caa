from placement.policies import base

RP_TRAIT_LIST = 'placement:resource_providers:traits:list'
RP_TRAIT_UPDATE = 'placement:resource_providers:traits:update'
RP_TRAIT_DELETE = 'placement:resource_providers:traits:delete'
TRAITS_LIST = 'placement:traits:list'
TRAITS_SHOW = 'placement:traits:show'
TRAITS_UPDATE = 'placement:traits:update'
TRAITS_DELETE = 'placement:traits:delete'

rules = [
    base.api_rule(TRAITS_LIST, 'List traits.', 'GET', '/traits'),
    base.api_rule(TRAITS_SHOW, 'Show trait.', 'GET', '/traits/{name}'),
    base.api_rule(TRAITS_UPDATE, 'Update trait.', 'PUT', '/traits/{name}'),
    base.api_rule(TRAITS_DELETE, 'Delete trait.', 'DELETE',
                  '/traits/{name}'),
    base.api_rule(RP_TRAIT_LIST, 'List resource provider traits.',
                  'GET', '/resource_providers/{uuid}/traits'),
    base.api_rule(RP_TRAIT_UPDATE, 'Update resource provider traits.',
                  'PUT', '/resource_providers/{uuid}/traits'),
    base.api_rule(RP_TRAIT_DELETE, 'Delete resource provider traits.',
                  'DELETE', '/resource_providers/{uuid}/traits'),
]
