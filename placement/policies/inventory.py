from placement.policies import base

LIST = 'placement:resource_providers:inventories:list'
CREATE = 'placement:resource_providers:inventories:create'
SHOW = 'placement:resource_providers:inventories:show'
UPDATE = 'placement:resource_providers:inventories:update'
DELETE = 'placement:resource_providers:inventories:delete'

_ONE = '/resource_providers/{uuid}/inventories/{resource_class}'
_ALL = '/resource_providers/{uuid}/inventories'

rules = [
    base.api_rule(LIST, 'List resource provider inventories.', 'GET', _ALL),
    base.api_rule(CREATE, 'Create one resource provider inventory.',
                  'POST', _ALL),
    base.api_rule(SHOW, 'Show resource provider inventory.', 'GET', _ONE),
    base.api_rule(UPDATE, 'Update resource provider inventory.',
                  'PUT', _ALL, also=(('PUT', _ONE),)),
    base.api_rule(DELETE, 'Delete resource provider inventory.',
                  'DELETE', _ALL, also=(('DELETE', _ONE),)),
]
