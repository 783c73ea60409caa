"""Policy enforcement with oslo.policy.

[oslo_policy] enforce_new_defaults chooses between the secure-RBAC defaults
(admin or service role in a project scope) and the legacy ones (any
``admin``); scope is always enforced, so system-scoped tokens are refused by
the project-scoped rules. A policy file ([oslo_policy] policy_file) overrides
any rule.
"""
from oslo_config import cfg
from oslo_policy import opts as policy_opts
from oslo_policy import policy as oslo_policy

from placement import conf as placement_conf
from placement import policies


class PolicyNotAuthorized(Exception):
    def __init__(self, action):
        self.action = action
        super().__init__(
            'Policy does not allow %s to be performed.' % action)


def make_enforcer(conf):
    # oslo.policy always enforces scope now; only the file name is ours.
    policy_opts.set_defaults(conf, policy_file='policy.yaml')
    enforcer = oslo_policy.Enforcer(conf)
    enforcer.register_defaults(policies.list_rules())
    enforcer.load_rules()
    return enforcer


def get_enforcer():
    """Entry point for oslopolicy-* tools: an enforcer over the global
    config, read from placement.conf where the service finds it (the
    tools parse their own command line, not this one)."""
    conf = cfg.CONF
    conf([], project='placement',
         default_config_files=placement_conf.default_config_files())
    return make_enforcer(conf)


def authorize(enforcer, context, action, target):
    try:
        return enforcer.authorize(action, target, context, do_raise=True,
                                  exc=PolicyNotAuthorized, action=action)
    except oslo_policy.InvalidScope:
        raise PolicyNotAuthorized(action)
