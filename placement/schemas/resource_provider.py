"""Bodies of POST and PUT /resource_providers[/{uuid}]."""
import copy

_UUID = {'type': 'string', 'format': 'uuid'}
# Not every database can store a NUL character.
NO_NUL = '^[^\x00]*$'

POST_1_0 = {
    'type': 'object',
    'properties': {
        # No minLength, as upstream: an empty name is refused by the
        # handler on create and accepted on update.
        'name': {'type': 'string', 'maxLength': 200, 'pattern': NO_NUL},
        'uuid': _UUID,
    },
    'required': ['name'],
    'additionalProperties': False,
}

# 1.14: nested providers; null means "a root provider".
POST_1_14 = copy.deepcopy(POST_1_0)
POST_1_14['properties']['parent_provider_uuid'] = {
    'anyOf': [_UUID, {'type': 'null'}],
}

# The uuid of a provider never changes.
PUT_1_0 = copy.deepcopy(POST_1_0)
del PUT_1_0['properties']['uuid']

PUT_1_14 = copy.deepcopy(POST_1_14)
del PUT_1_14['properties']['uuid']


def post_schema(version):
    return POST_1_14 if version >= (1, 14) else POST_1_0


def put_schema(version):
    return PUT_1_14 if version >= (1, 14) else PUT_1_0
