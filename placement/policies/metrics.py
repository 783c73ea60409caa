from placement.policies import base

GET = 'placement:metrics:get'

# Not an upstream rule: GET /metrics is this service's own. Metrics name
# no project's data, but they describe the whole deployment: admin only.
rules = [
    base.api_rule(GET, 'Read the Prometheus metrics of the service.', 'GET',
                  '/metrics', check_str='rule:admin_api'),
]
