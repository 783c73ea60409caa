"""Resource providers: create, show, update, delete one provider.

The list (GET /resource_providers) lives in resource_provider_list; both
serialise a provider with ``provider_body``.
"""
from placement.handlers import util

# (relation, URL suffix, first microversion that links it)
_LINKS = (
    ('self', '', (1, 0)),
    ('inventories', '/inventories', (1, 0)),
    ('usages', '/usages', (1, 0)),
    ('aggregates', '/aggregates', (1, 1)),
    ('traits', '/traits', (1, 6)),
    ('allocations', '/allocations', (1, 11)),
)


def provider_url(req, uuid):
    return '%s/resource_providers/%s' % (req.script_name, uuid)


def provider_body(req, rp):
    """The JSON of provider ``rp`` as the request's microversion shows
    it."""
    version = util.version(req)
    base = provider_url(req, rp.uuid)
    body = {
        'uuid': rp.uuid,
        'name': rp.name,
        'generation': rp.generation,
        'links': [{'rel': rel, 'href': base + suffix}
                  for rel, suffix, since in _LINKS if version >= since],
    }
    if version >= (1, 14):
        body['parent_provider_uuid'] = rp.parent_provider_uuid
        body['root_provider_uuid'] = rp.root_provider_uuid
    return body
