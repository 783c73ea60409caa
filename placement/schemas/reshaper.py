"""Body of POST /reshaper (1.30; mappings from 1.34, consumer types from
1.38): the complete new inventories of some providers, and the complete
new allocations of some consumers (an empty dict removes a consumer's).
"""
from placement.schemas import allocation
from placement.schemas import inventory

INVENTORIES = {
    'type': 'object',
    'minProperties': 1,
    'patternProperties': {allocation.UUID_PATTERN: inventory.SET},
    'additionalProperties': False,
}


def _reshape(consumer_schema):
    allocations = allocation.consumers(consumer_schema)
    allocations['minProperties'] = 0
    return {
        'type': 'object',
        'properties': {
            'inventories': INVENTORIES,
            'allocations': allocations,
        },
        'required': ['inventories', 'allocations'],
        'additionalProperties': False,
    }


RESHAPE_V1_30 = _reshape(allocation.CONSUMER_V1_28)
RESHAPE_V1_34 = _reshape(allocation.CONSUMER_V1_34)
RESHAPE_V1_38 = _reshape(allocation.CONSUMER_V1_38)

BY_VERSION = (
    ((1, 38), RESHAPE_V1_38),
    ((1, 34), RESHAPE_V1_34),
    ((1, 30), RESHAPE_V1_30),
)
