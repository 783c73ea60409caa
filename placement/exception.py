"""Exceptions of the object layer.

They say what went wrong in the data, never how to answer over HTTP: the
handlers (or, for the few that always mean the same answer, the router)
translate them. Each class formats ``msg_fmt`` with the keyword arguments
it was raised with.
"""


class PlacementException(Exception):
    msg_fmt = 'An unknown exception occurred.'

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        if message is None:
            message = self.msg_fmt % kwargs if kwargs else self.msg_fmt
        self.message = message
        super().__init__(message)


class NotFound(PlacementException):
    msg_fmt = 'Resource could not be found.'


class Exists(PlacementException):
    msg_fmt = 'Resource already exists.'


class ConcurrentUpdateDetected(PlacementException):
    """A generation check failed: another writer changed the provider or
    consumer since the caller read it. The API answers 409
    placement.concurrent_update."""
    msg_fmt = ('Another thread concurrently updated the data. '
               'Please retry your update')


class ResourceProviderNotFound(NotFound):
    msg_fmt = 'No such resource provider %(uuid)s.'


class ResourceClassNotFound(NotFound):
    msg_fmt = 'No such resource class %(name)s.'


class TraitNotFound(NotFound):
    msg_fmt = 'No such trait(s): %(names)s.'


class ConsumerNotFound(NotFound):
    msg_fmt = 'No such consumer %(uuid)s.'


class InventoryNotFound(NotFound):
    msg_fmt = ('No inventory of class %(resource_class)s found for resource '
               'provider %(uuid)s.')


class ResourceClassExists(Exists):
    msg_fmt = 'Resource class %(name)s already exists.'


class TraitExists(Exists):
    msg_fmt = 'The Trait %(name)s already exists'


class ResourceProviderExists(Exists):
    msg_fmt = 'Resource provider with %(field)s %(value)s already exists.'


class ResourceClassInUse(PlacementException):
    msg_fmt = ('Cannot delete resource class %(name)s. Class is in use in '
               'inventory.')


class ResourceClassCannotUpdateStandard(PlacementException):
    msg_fmt = 'Cannot update standard resource class %(name)s'


class ResourceClassCannotDeleteStandard(PlacementException):
    msg_fmt = 'Cannot delete standard resource class %(name)s.'


class TraitInUse(PlacementException):
    msg_fmt = 'The trait %(name)s is in use by a resource provider.'


class TraitCannotDeleteStandard(PlacementException):
    msg_fmt = 'Cannot delete standard trait %(name)s.'


class CannotDeleteParentResourceProvider(PlacementException):
    msg_fmt = ('Cannot delete resource provider that is a parent of '
               'another. Delete child providers first.')


class ResourceProviderInUse(PlacementException):
    msg_fmt = 'Resource provider has allocations.'


class InventoryInUse(PlacementException):
    msg_fmt = ("Inventory for '%(resource_classes)s' on resource provider "
               "'%(uuid)s' in use.")


class InvalidInventory(PlacementException):
    msg_fmt = ('Inventory for %(resource_class)s on resource provider '
               '%(uuid)s invalid.')


class InvalidInventoryCapacity(InvalidInventory):
    msg_fmt = ("Invalid inventory for '%(resource_class)s' on resource "
               "provider '%(uuid)s'. The reserved value is greater than or "
               "equal to total.")


class InvalidInventoryCapacityReservedCanBeTotal(InvalidInventory):
    msg_fmt = ("Invalid inventory for '%(resource_class)s' on resource "
               "provider '%(uuid)s'. The reserved value is greater than "
               "total.")


class InvalidAllocationCapacityExceeded(PlacementException):
    msg_fmt = ('Unable to create allocation for %(resource_class)s on '
               'resource provider %(uuid)s. The requested amount would '
               'exceed the capacity.')


class InvalidAllocationConstraintsViolated(PlacementException):
    msg_fmt = ('Unable to create allocation for %(resource_class)s on '
               'resource provider %(uuid)s. The requested amount would '
               'violate inventory constraints.')


class InvalidInventoryForAllocation(PlacementException):
    """An allocation names a class the provider has no inventory of."""
    msg_fmt = ('Unable to allocate inventory for consumer %(consumer)s: '
               'resource provider %(uuid)s has no inventory of class '
               '%(resource_class)s.')


class InvalidResourceProviderParent(PlacementException):
    """The requested parent would break the provider tree (or the
    requested change of parent is not allowed)."""
    msg_fmt = '%(reason)s'


class InventoryExists(Exists):
    msg_fmt = ('Inventory for resource class %(resource_class)s already '
               'exists for resource provider %(uuid)s.')


class InvalidInventoryUnits(InvalidInventory):
    msg_fmt = ('Invalid inventory for %(resource_class)s on resource '
               'provider %(uuid)s. The min_unit value is greater than '
               'max_unit.')


class ConsumerGenerationConflict(ConcurrentUpdateDetected):
    """The consumer generation a client sent is not the current one (or
    the consumer exists although the client said it should not)."""
    msg_fmt = ('consumer generation conflict - expected %(expected)s but '
               'got %(got)s')


class ResourceProviderGenerationConflict(ConcurrentUpdateDetected):
    """A provider generation a client sent is not the current one."""
    msg_fmt = ('resource provider generation conflict for provider '
               '%(uuid)s: actual: %(actual)s, given: %(given)s')
