"""Keys under which the middleware leaves per-request state in the WSGI
environ, in the order the pipeline sets them."""

# Set by oslo.middleware's RequestId.
REQUEST_ID = 'openstack.request_id'
# The caller's X-OpenStack-Request-Id, when valid; set by RequestId too.
GLOBAL_REQUEST_ID = 'openstack.global_request_id'
# A placement.context.RequestContext, set by the context middleware.
CONTEXT = 'placement.context'
# A microversion_parse.Version, set by the microversion middleware.
MICROVERSION = 'placement.microversion'
