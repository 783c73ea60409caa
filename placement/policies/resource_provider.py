from placement.policies import base

LIST = 'placement:resource_providers:list'
CREATE = 'placement:resource_providers:create'
SHOW = 'placement:resource_providers:show'
UPDATE = 'placement:resource_providers:update'
DELETE = 'placement:resource_providers:delete'

rules = [
    base.api_rule(LIST, 'List resource providers.',
                  'GET', '/resource_providers'),
    base.api_rule(CREATE, 'Create resource provider.',
                  'POST', '/resource_providers'),
    base.api_rule(SHOW, 'Show resource provider.',
                  'GET', '/resource_providers/{uuid}'),
    base.api_rule(UPDATE, 'Update resource provider.',
                  'PUT', '/resource_providers/{uuid}'),
    base.api_rule(DELETE, 'Delete resource provider.',
                  'DELETE', '/resource_providers/{uuid}'),
]
