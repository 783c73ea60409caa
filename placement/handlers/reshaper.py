"""POST /reshaper: move inventories and allocations between providers
atomically (1.30)."""
from placement import errors
from placement import exception
from placement.handlers import allocation as alloc_handler
from placement.handlers import util
from placement import microversion
from placement.objects import reshaper as reshaper_obj
from placement.policies import reshaper as policies
from placement.schemas import allocation as alloc_schemas
from placement.schemas import reshaper as schemas

_BAD_INVENTORY = (
    exception.InvalidInventoryCapacity,
    exception.InvalidInventoryCapacityReservedCanBeTotal,
    exception.InvalidInventoryUnits,
)


@microversion.min_version('1.30')
@util.requires_json
def reshape(req):
    ctx = util.context(req)
    ctx.can(policies.RESHAPE)
    version = util.version(req)
    data = util.extract_json(
        req, alloc_schemas.for_version(schemas.BY_VERSION, version))
    inventories = {
        alloc_handler.normalized_uuid(rp_uuid):
            (entry['resource_provider_generation'], entry['inventories'])
        for rp_uuid, entry in data['inventories'].items()}
    writes = alloc_handler.consumer_writes(data['allocations'], version)
    try:
        reshaper_obj.reshape(ctx, inventories, writes)
    except exception.ResourceProviderNotFound as exc:
        if exc.kwargs['uuid'] in inventories:
            raise errors.bad_request(
                'Resource provider %(uuid)s in inventories not found: '
                '%(error)s', uuid=exc.kwargs['uuid'], error=exc,
                code=errors.RESOURCE_PROVIDER_NOT_FOUND)
        raise alloc_handler.missing_provider(exc)
    except exception.ResourceClassNotFound as exc:
        raise errors.bad_request('Unable to reshape: %(error)s', error=exc)
    except _BAD_INVENTORY as exc:
        raise errors.bad_request('Unable to reshape: %(error)s', error=exc)
    except exception.InventoryInUse as exc:
        raise errors.conflict(
            "Unable to allocate inventory: Inventory for "
            "'%(classes)s' on resource provider '%(uuid)s' in use.",
            classes=exc.kwargs['resource_classes'], uuid=exc.kwargs['uuid'],
            code=errors.INVENTORY_INUSE)
    except alloc_handler.ALLOCATION_FAILURES as exc:
        raise alloc_handler.allocation_conflict(exc)
    except (exception.ConsumerGenerationConflict,
            exception.ResourceProviderGenerationConflict) as exc:
        raise alloc_handler.generation_conflict(exc)
    return util.no_content()
