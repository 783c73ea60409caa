from placement.policies import base

LIST = 'placement:resource_providers:aggregates:list'
UPDATE = 'placement:resource_providers:aggregates:update'

rules = [
    base.api_rule(LIST, 'List resource provider aggregates.',
                  'GET', '/resource_providers/{uuid}/aggregates'),
    base.api_rule(UPDATE, 'Update resource provider aggregates.',
                  'PUT', '/resource_providers/{uuid}/aggregates'),
]
