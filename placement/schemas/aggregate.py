"""Body of PUT /resource_providers/{uuid}/aggregates."""
import copy

# 1.1 - 1.18: a bare list of aggregate uuids.
PUT_1_1 = {
    'type': 'array',
    'items': {'type': 'string', 'format': 'uuid'},
    'uniqueItems': True,
}

# 1.19: the same shape as the GET answer, with the provider generation.
PUT_1_19 = {
    'type': 'object',
    'properties': {
        'aggregates': copy.deepcopy(PUT_1_1),
        'resource_provider_generation': {'type': 'integer'},
    },
    'required': ['aggregates', 'resource_provider_generation'],
    'additionalProperties': False,
}


def put_schema(version):
    return PUT_1_19 if version >= (1, 19) else PUT_1_1
