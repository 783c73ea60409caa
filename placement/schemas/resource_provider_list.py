"""Query-string schema of GET /resource_providers, per microversion."""
import copy

_STRING = {'type': 'string'}
_UUID = {'type': 'string', 'format': 'uuid'}

GET_SCHEMA_1_0 = {
    'type': 'object',
    'properties': {
        'name': _STRING,
        'uuid': _UUID,
    },
    'additionalProperties': False,
}

# 1.3: member_of.
GET_SCHEMA_1_3 = copy.deepcopy(GET_SCHEMA_1_0)
GET_SCHEMA_1_3['properties']['member_of'] = _STRING

# 1.4: resources (capacity filter).
GET_SCHEMA_1_4 = copy.deepcopy(GET_SCHEMA_1_3)
GET_SCHEMA_1_4['properties']['resources'] = _STRING

# 1.14: in_tree.
GET_SCHEMA_1_14 = copy.deepcopy(GET_SCHEMA_1_4)
GET_SCHEMA_1_14['properties']['in_tree'] = _UUID

# 1.18: required traits.
GET_SCHEMA_1_18 = copy.deepcopy(GET_SCHEMA_1_14)
GET_SCHEMA_1_18['properties']['required'] = _STRING

BY_VERSION = (
    ((1, 18), GET_SCHEMA_1_18),
    ((1, 14), GET_SCHEMA_1_14),
    ((1, 4), GET_SCHEMA_1_4),
    ((1, 3), GET_SCHEMA_1_3),
    ((1, 0), GET_SCHEMA_1_0),
)


def for_version(version):
    for since, schema in BY_VERSION:
        if version >= since:
            return schema
    return GET_SCHEMA_1_0
