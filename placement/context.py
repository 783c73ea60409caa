"""The request context: who is asking, and the app's database and config.

Built by the context middleware from the auth headers (oslo.context reads
X-User-Id, X-Project-Id, X-Roles, OpenStack-System-Scope ...). Object-layer
functions take it as their first argument; it carries the transaction state
of oslo.db's enginefacade.
"""
from oslo_context import context
from oslo_db.sqlalchemy import enginefacade

from placement import policy


@enginefacade.transaction_context_provider
class RequestContext(context.RequestContext):

    def __init__(self, *args, db=None, config=None, enforcer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.db = db
        self.config = config
        self.enforcer = enforcer

    def can(self, action, target=None):
        """Raise PolicyNotAuthorized unless policy allows ``action``.

        The default target is the caller's own project and user, as in
        OpenStack Placement.
        """
        if target is None:
            target = {'project_id': self.project_id,
                      'user_id': self.user_id}
        policy.authorize(self.enforcer, self, action, target)
