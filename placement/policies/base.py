from oslo_log import versionutils
from oslo_policy import policy

_DEPRECATED_REASON = """
Placement API policies have new default roles with scope_type capabilities;
the old admin-only defaults apply only when [oslo_policy]
enforce_new_defaults is False.
"""

# The legacy default every rule falls back to while enforce_new_defaults is
# False: the rule is then "new check OR role:admin".
DEPRECATED_ADMIN_POLICY = policy.DeprecatedRule(
    name='rule:admin_api',
    check_str='role:admin',
    deprecated_reason=_DEPRECATED_REASON,
    deprecated_since=versionutils.deprecated.WALLABY,
)

ADMIN_OR_SERVICE = 'rule:admin_or_service_api'
SERVICE = 'rule:service_api'
ADMIN_OR_PROJECT_READER_OR_SERVICE = (
    'rule:admin_or_project_reader_or_service_api')

rules = [
    policy.RuleDefault(
        'admin_api', 'role:admin',
        description='Default rule for most placement APIs.',
        scope_types=['project']),
    policy.RuleDefault(
        'service_api', 'role:service',
        description='Default rule for service-to-service placement APIs.',
        scope_types=['project'],
        deprecated_rule=DEPRECATED_ADMIN_POLICY),
    policy.RuleDefault(
        'admin_or_service_api', 'role:admin or role:service',
        description='Default rule for most placement APIs.',
        scope_types=['project'],
        deprecated_rule=DEPRECATED_ADMIN_POLICY),
    policy.RuleDefault(
        'project_reader_api', 'role:reader and project_id:%(project_id)s',
        description='Default rule for project level reader APIs.',
        deprecated_rule=DEPRECATED_ADMIN_POLICY),
    policy.RuleDefault(
        'admin_or_project_reader_or_service_api',
        'role:admin or rule:project_reader_api or role:service',
        description='Default rule for project level reader APIs.',
        scope_types=['project'],
        deprecated_rule=DEPRECATED_ADMIN_POLICY),
]


def api_rule(name, description, method, path, check_str=ADMIN_OR_SERVICE,
             also=()):
    """A documented, project-scoped rule for an API operation and the
    (method, path) pairs in ``also`` that share it."""
    operations = [{'method': m, 'path': p} for m, p in ((method, path),) + also]
    return policy.DocumentedRuleDefault(
        name=name, check_str=check_str, description=description,
        operations=operations, scope_types=['project'])
