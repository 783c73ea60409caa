"""Bodies of PUT /allocations/{consumer_uuid} and POST /allocations.

PUT has two shapes: a list of {resource_provider: {uuid}, resources} items
before 1.12, a dict keyed by provider uuid from 1.12 (the shape GET
answers with). Project and user become required at 1.8, the consumer
generation at 1.28 (when an empty allocations dict also becomes a way to
remove a consumer's allocations), request-group mappings are accepted from
1.34 and the consumer type is required from 1.38.
"""
import copy

from placement.schemas.resource_provider import NO_NUL

# Dashes optional, any case: every spelling names the same uuid.
UUID_PATTERN = ('^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?'
                '[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$')
RESOURCE_CLASS_PATTERN = '^[A-Z0-9_]+$'
CONSUMER_TYPE_PATTERN = '^[A-Z0-9_]+$'
# The unnamed group is '', numbered or named groups have a suffix.
GROUP_SUFFIX_PATTERN = '^[a-zA-Z0-9_-]{0,64}$'

RESOURCES = {
    'type': 'object',
    'minProperties': 1,
    'patternProperties': {
        RESOURCE_CLASS_PATTERN: {'type': 'integer', 'minimum': 1},
    },
    'additionalProperties': False,
}

# Project and user ids: PostgreSQL cannot store a NUL character.
EXTERNAL_ID = {'type': 'string', 'minLength': 1, 'maxLength': 255,
               'pattern': NO_NUL}

CONSUMER_GENERATION = {'type': ['integer', 'null']}

CONSUMER_TYPE = {'type': 'string', 'minLength': 1, 'maxLength': 255,
                 'pattern': CONSUMER_TYPE_PATTERN}

MAPPINGS = {
    'type': 'object',
    'minProperties': 1,
    'patternProperties': {
        GROUP_SUFFIX_PATTERN: {
            'type': 'array',
            'minItems': 1,
            'items': {'type': 'string', 'pattern': UUID_PATTERN},
        },
    },
    'additionalProperties': False,
}

# Allocations keyed by provider uuid, as GET shows them; the provider
# generation GET adds may be sent back and is ignored.
ALLOCATIONS_DICT = {
    'type': 'object',
    'patternProperties': {
        UUID_PATTERN: {
            'type': 'object',
            'properties': {
                'resources': RESOURCES,
                'generation': {'type': 'integer'},
            },
            'required': ['resources'],
            'additionalProperties': False,
        },
    },
    'additionalProperties': False,
}

# PUT /allocations/{consumer_uuid}, 1.0 - 1.7.
PUT_V1_0 = {
    'type': 'object',
    'properties': {
        'allocations': {
            'type': 'array',
            'minItems': 1,
            'items': {
                'type': 'object',
                'properties': {
                    'resource_provider': {
                        'type': 'object',
                        'properties': {
                            'uuid': {'type': 'string',
                                     'pattern': UUID_PATTERN},
                        },
                        'required': ['uuid'],
                        'additionalProperties': False,
                    },
                    'resources': RESOURCES,
                },
                'required': ['resource_provider', 'resources'],
                'additionalProperties': False,
            },
        },
    },
    'required': ['allocations'],
    'additionalProperties': False,
}

PUT_V1_8 = copy.deepcopy(PUT_V1_0)
PUT_V1_8['properties']['project_id'] = EXTERNAL_ID
PUT_V1_8['properties']['user_id'] = EXTERNAL_ID
PUT_V1_8['required'] += ['project_id', 'user_id']

PUT_V1_12 = copy.deepcopy(PUT_V1_8)
PUT_V1_12['properties']['allocations'] = dict(
    copy.deepcopy(ALLOCATIONS_DICT), minProperties=1)

PUT_V1_28 = copy.deepcopy(PUT_V1_12)
PUT_V1_28['properties']['allocations'] = copy.deepcopy(ALLOCATIONS_DICT)
PUT_V1_28['properties']['consumer_generation'] = CONSUMER_GENERATION
PUT_V1_28['required'].append('consumer_generation')

PUT_V1_34 = copy.deepcopy(PUT_V1_28)
PUT_V1_34['properties']['mappings'] = MAPPINGS

PUT_V1_38 = copy.deepcopy(PUT_V1_34)
PUT_V1_38['properties']['consumer_type'] = CONSUMER_TYPE
PUT_V1_38['required'].append('consumer_type')

# One consumer's entry in POST /allocations (and in POST /reshaper).
CONSUMER_V1_13 = {
    'type': 'object',
    'properties': {
        'allocations': ALLOCATIONS_DICT,
        'project_id': EXTERNAL_ID,
        'user_id': EXTERNAL_ID,
    },
    'required': ['allocations', 'project_id', 'user_id'],
    'additionalProperties': False,
}

CONSUMER_V1_28 = copy.deepcopy(CONSUMER_V1_13)
CONSUMER_V1_28['properties']['consumer_generation'] = CONSUMER_GENERATION
CONSUMER_V1_28['required'].append('consumer_generation')

CONSUMER_V1_34 = copy.deepcopy(CONSUMER_V1_28)
CONSUMER_V1_34['properties']['mappings'] = MAPPINGS

CONSUMER_V1_38 = copy.deepcopy(CONSUMER_V1_34)
CONSUMER_V1_38['properties']['consumer_type'] = CONSUMER_TYPE
CONSUMER_V1_38['required'].append('consumer_type')


def consumers(consumer_schema):
    """Allocations of several consumers keyed by consumer uuid."""
    return {
        'type': 'object',
        'minProperties': 1,
        'patternProperties': {UUID_PATTERN: consumer_schema},
        'additionalProperties': False,
    }


POST_V1_13 = consumers(CONSUMER_V1_13)
POST_V1_28 = consumers(CONSUMER_V1_28)
POST_V1_34 = consumers(CONSUMER_V1_34)
POST_V1_38 = consumers(CONSUMER_V1_38)

# (first microversion, schema), newest first.
PUT_BY_VERSION = (
    ((1, 38), PUT_V1_38),
    ((1, 34), PUT_V1_34),
    ((1, 28), PUT_V1_28),
    ((1, 12), PUT_V1_12),
    ((1, 8), PUT_V1_8),
    ((1, 0), PUT_V1_0),
)
POST_BY_VERSION = (
    ((1, 38), POST_V1_38),
    ((1, 34), POST_V1_34),
    ((1, 28), POST_V1_28),
    ((1, 13), POST_V1_13),
)


def for_version(table, version):
    for since, schema in table:
        if version >= since:
            return schema
    raise ValueError('no schema for %s' % (version,))
