from placement.policies import base

PROVIDER_USAGES = 'placement:resource_providers:usages'
TOTAL_USAGES = 'placement:usages'

rules = [
    base.api_rule(PROVIDER_USAGES, 'List resource provider usages.',
                  'GET', '/resource_providers/{uuid}/usages'),
    # Legacy admins may read any project's usage; project readers only
    # their own.
    base.api_rule(TOTAL_USAGES,
                  'List total resource usages for a given project.',
                  'GET', '/usages',
                  check_str=base.ADMIN_OR_PROJECT_READER_OR_SERVICE),
]
