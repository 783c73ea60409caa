"""/resource_providers/{uuid}/inventories: a provider's inventory records,
all at once or one resource class at a time.

Writes that carry a ``resource_provider_generation`` are refused with a
409 when it is not the provider's current one; every write bumps the
generation. From microversion 1.26 reserved may equal total.
"""
import webob.exc

from placement import errors
from placement import exception
from placement.handlers import resource_provider as rp_handler
from placement.handlers import util
from placement.objects import inventory as inv_obj
from placement.policies import inventory as policies
from placement.schemas import inventory as schema


def _last_modified(inventories):
    return util.latest([inv.updated_at or inv.created_at
                        for inv in inventories])


def _inventories_response(req, generation, inventories):
    body = {
        'resource_provider_generation': generation,
        'inventories': {name: inv.fields()
                        for name, inv in inventories.items()},
    }
    return util.json_response(
        req, body, last_modified=(_last_modified(inventories.values())
                                  if inventories else util.UNDATED))


def _inventory_response(req, generation, inventory, status=200,
                        location=None):
    body = dict(inventory.fields(), resource_provider_generation=generation)
    return util.json_response(req, body, status=status, location=location,
                              last_modified=_last_modified([inventory]))


def _reserved_can_equal_total(req):
    return util.version(req) >= (1, 26)


def _generation_conflict():
    return errors.conflict('resource provider generation conflict',
                           code=errors.CONCURRENT_UPDATE)


def _conflict_code(exc):
    if isinstance(exc, exception.InventoryInUse):
        return errors.INVENTORY_INUSE
    return errors.CONCURRENT_UPDATE


def _update_conflict(exc):
    return errors.conflict('update conflict: %(error)s',
                           code=_conflict_code(exc), error=exc)


def _provider_and_body(req, body_schema):
    """The provider of the URL (404 first, as upstream: before the body
    is read) and the body, as of the generation the body claims: 409 if
    that is not the provider's current one."""
    rp = rp_handler.load_provider(req)
    data = util.extract_json(req, body_schema)
    if data.pop('resource_provider_generation') != rp.generation:
        raise _generation_conflict()
    return rp, data


@util.answers_json
def get_inventories(req):
    ctx = util.context(req)
    ctx.can(policies.LIST)
    # Upstream words this 404 twice over.
    rp = rp_handler.load_provider(
        req, suffix=' : No resource provider with uuid %s found'
        % req.urlvars['uuid'])
    return _inventories_response(req, rp.generation,
                                 inv_obj.get_inventories(ctx, rp))


@util.answers_json
def get_inventory(req):
    ctx = util.context(req)
    ctx.can(policies.SHOW)
    rp = rp_handler.load_provider(req)
    resource_class = req.urlvars['resource_class']
    inventory = inv_obj.get_inventories(ctx, rp).get(resource_class)
    if inventory is None:
        raise errors.not_found(
            'No inventory of class %(resource_class)s for %(uuid)s',
            resource_class=resource_class, uuid=rp.uuid)
    return _inventory_response(req, rp.generation, inventory)


@util.requires_json
def create_inventory(req):
    ctx = util.context(req)
    ctx.can(policies.CREATE)
    rp = rp_handler.load_provider(req)
    data = util.extract_json(req, schema.CREATE)
    resource_class = data.pop('resource_class')
    # Accepted for symmetry with the other writes but, as upstream, not
    # checked: the provider's current generation is bumped.
    data.pop('resource_provider_generation', None)
    try:
        result = inv_obj.add_inventory(
            ctx, rp, resource_class, data,
            reserved_can_equal_total=_reserved_can_equal_total(req))
    except (exception.ResourceClassNotFound,
            exception.InvalidInventory) as exc:
        raise errors.bad_request(
            'Unable to create inventory for resource provider '
            '%(uuid)s: %(error)s', uuid=rp.uuid, error=exc)
    except (exception.InventoryExists,
            exception.ConcurrentUpdateDetected) as exc:
        raise errors.conflict('Update conflict: %(error)s',
                              code=errors.CONCURRENT_UPDATE, error=exc)
    location = '%s/inventories/%s' % (
        rp_handler.provider_url(req, rp.uuid), resource_class)
    return _inventory_response(
        req, result.generation, result.inventories[resource_class],
        status=201, location=location)


@util.requires_json
def update_inventory(req):
    ctx = util.context(req)
    ctx.can(policies.UPDATE)
    rp, data = _provider_and_body(req, schema.UPDATE)
    resource_class = req.urlvars['resource_class']
    try:
        result = inv_obj.update_inventory(
            ctx, rp, resource_class, data,
            reserved_can_equal_total=_reserved_can_equal_total(req))
    except exception.InventoryNotFound as exc:
        raise errors.bad_request(
            'No inventory record with resource class for resource provider '
            '%(uuid)s: %(error)s', uuid=rp.uuid, error=exc)
    except exception.InvalidInventory as exc:
        raise errors.bad_request(
            'Unable to update inventory for resource provider '
            '%(uuid)s: %(error)s', uuid=rp.uuid, error=exc)
    except exception.ConcurrentUpdateDetected as exc:
        raise _update_conflict(exc)
    return _inventory_response(req, result.generation,
                               result.inventories[resource_class])


@util.requires_json
def set_inventories(req):
    ctx = util.context(req)
    ctx.can(policies.UPDATE)
    rp, data = _provider_and_body(req, schema.SET)
    try:
        result = inv_obj.replace_inventories(
            ctx, rp, data['inventories'],
            reserved_can_equal_total=_reserved_can_equal_total(req))
    except exception.ResourceClassNotFound as exc:
        raise errors.bad_request(
            'Unknown resource class in inventory for resource provider '
            '%(uuid)s: %(error)s', uuid=rp.uuid, error=exc)
    except exception.InvalidInventory as exc:
        raise errors.bad_request(
            'Unable to update inventory for resource provider '
            '%(uuid)s: %(error)s', uuid=rp.uuid, error=exc)
    except (exception.InventoryInUse,
            exception.ConcurrentUpdateDetected) as exc:
        raise _update_conflict(exc)
    # Listed in the order of the request, as upstream answers.
    return _inventories_response(
        req, result.generation,
        {name: result.inventories[name] for name in data['inventories']})


def delete_inventories(req):
    # Before 1.5 the URL has no DELETE at all: a 405, not a 404.
    if util.version(req) < (1, 5):
        exc = errors.http_error(webob.exc.HTTPMethodNotAllowed)
        exc.headers['allow'] = 'GET, POST, PUT'
        raise exc
    ctx = util.context(req)
    ctx.can(policies.DELETE)
    rp = rp_handler.load_provider(req)
    try:
        inv_obj.replace_inventories(ctx, rp, {})
    except exception.InventoryInUse as exc:
        raise errors.conflict(str(exc), code=errors.INVENTORY_INUSE)
    except exception.ConcurrentUpdateDetected:
        raise errors.conflict(
            'Unable to delete inventory for resource provider %(uuid)s '
            'because the inventory was updated by another process. Please '
            'retry your request.', code=errors.CONCURRENT_UPDATE,
            uuid=rp.uuid)
    return util.no_content()


def delete_inventory(req):
    ctx = util.context(req)
    ctx.can(policies.DELETE)
    rp = rp_handler.load_provider(req)
    resource_class = req.urlvars['resource_class']
    try:
        inv_obj.delete_inventory(ctx, rp, resource_class)
    except exception.InventoryNotFound:
        raise errors.not_found(
            'No inventory of class %(resource_class)s found for delete: '
            'No inventory of class %(resource_class)s found for delete',
            resource_class=resource_class)
    except exception.ResourceClassNotFound as exc:
        raise errors.not_found(
            'No inventory of class %(resource_class)s found for delete: '
            '%(error)s', resource_class=resource_class, error=exc)
    except (exception.InventoryInUse,
            exception.ConcurrentUpdateDetected) as exc:
        raise errors.conflict(
            'Unable to delete inventory of class %(resource_class)s: '
            '%(error)s', resource_class=resource_class, error=exc,
            # Upstream's code for this one, in use or not.
            code=errors.CONCURRENT_UPDATE)
    return util.no_content()
