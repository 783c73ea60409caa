"""Query of GET /traits and body of PUT /resource_providers/{uuid}/traits.
"""
from placement.schemas.resource_provider import NO_NUL

LIST_QUERY = {
    'type': 'object',
    'properties': {
        'name': {'type': 'string', 'pattern': NO_NUL},
        'associated': {'type': 'string'},
    },
    'additionalProperties': False,
}

SET_PROVIDER_TRAITS = {
    'type': 'object',
    'properties': {
        'traits': {
            'type': 'array',
            'items': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                      'pattern': NO_NUL},
            # Duplicates are accepted (and count once), as upstream has it.
        },
        'resource_provider_generation': {'type': 'integer'},
    },
    'required': ['traits', 'resource_provider_generation'],
    'additionalProperties': False,
}

# What PUT /traits/{name} accepts: standard traits are read-only.
CUSTOM_TRAIT_PATTERN = '^CUSTOM_[A-Z0-9_]+$'
CUSTOM_TRAIT_MAX_LENGTH = 255
