from placement.policies import base

LIST = 'placement:resource_classes:list'
CREATE = 'placement:resource_classes:create'
SHOW = 'placement:resource_classes:show'
UPDATE = 'placement:resource_classes:update'
DELETE = 'placement:resource_classes:delete'

rules = [
    base.api_rule(LIST, 'List resource classes.',
                  'GET', '/resource_classes'),
    base.api_rule(CREATE, 'Create resource class.',
                  'POST', '/resource_classes'),
    base.api_rule(SHOW, 'Show resource class.',
                  'GET', '/resource_classes/{name}'),
    base.api_rule(UPDATE, 'Update resource class.',
                  'PUT', '/resource_classes/{name}'),
    base.api_rule(DELETE, 'Delete resource class.',
                  'DELETE', '/resource_classes/{name}'),
]
