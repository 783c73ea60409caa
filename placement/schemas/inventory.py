"""Bodies of the inventory writes.

One inventory record has the same fields everywhere; what differs is
where the resource class and the provider generation come from:

* POST /resource_providers/{uuid}/inventories: one record naming its
  ``resource_class``; a generation may be sent but is not required.
* PUT /resource_providers/{uuid}/inventories/{resource_class}: one record
  with the provider generation.
* PUT /resource_providers/{uuid}/inventories: the generation and a map of
  class name to record.

The maxima are those of the database columns (a signed 32-bit integer, a
single precision float).
"""
import copy

MAX_INT = 2147483647
MAX_FLOAT = 3.40282e+38

# Standard and custom class names alike; whether the class exists is
# decided against the database.
RESOURCE_CLASS_PATTERN = '^[A-Z0-9_]+$'

_GENERATION = {'type': 'integer'}

_RECORD = {
    'type': 'object',
    'properties': {
        'total': {'type': 'integer', 'minimum': 1, 'maximum': MAX_INT},
        'reserved': {'type': 'integer', 'minimum': 0, 'maximum': MAX_INT},
        'min_unit': {'type': 'integer', 'minimum': 1, 'maximum': MAX_INT},
        'max_unit': {'type': 'integer', 'minimum': 1, 'maximum': MAX_INT},
        'step_size': {'type': 'integer', 'minimum': 1, 'maximum': MAX_INT},
        # Any ratio: one that leaves no capacity is refused like a
        # reserved amount that does (before 1.26), as upstream has it.
        'allocation_ratio': {'type': 'number', 'maximum': MAX_FLOAT},
    },
    'required': ['total'],
    'additionalProperties': False,
}

# One record inside the PUT-all map.
RECORD = copy.deepcopy(_RECORD)

CREATE = copy.deepcopy(_RECORD)
CREATE['properties']['resource_class'] = {
    'type': 'string', 'pattern': RESOURCE_CLASS_PATTERN, 'maxLength': 255}
CREATE['properties']['resource_provider_generation'] = _GENERATION
CREATE['required'].append('resource_class')

UPDATE = copy.deepcopy(_RECORD)
UPDATE['properties']['resource_provider_generation'] = _GENERATION
UPDATE['required'].append('resource_provider_generation')

SET = {
    'type': 'object',
    'properties': {
        'resource_provider_generation': _GENERATION,
        'inventories': {
            'type': 'object',
            # Other keys are not refused here: they name no class (400
            # from the handler), as in OpenStack Placement. Their values
            # must still be valid records (upstream: a 500 otherwise).
            'patternProperties': {RESOURCE_CLASS_PATTERN: RECORD},
            'additionalProperties': RECORD,
        },
    },
    'required': ['resource_provider_generation', 'inventories'],
    'additionalProperties': False,
}
