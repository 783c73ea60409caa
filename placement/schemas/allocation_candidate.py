"""Query-string schemas of GET /allocation_candidates, per microversion.

Values are strings (the query string as a dict of its last values); the
syntax inside a value is checked by placement.request_group, which gives
the precise upstream error messages.
"""
import copy

from placement import request_group

_STRING = {'type': 'string'}

GET_SCHEMA_1_10 = {
    'type': 'object',
    'properties': {
        'resources': _STRING,
    },
    'required': ['resources'],
    'additionalProperties': False,
}

# 1.16: limit, a positive integer.
GET_SCHEMA_1_16 = copy.deepcopy(GET_SCHEMA_1_10)
GET_SCHEMA_1_16['properties']['limit'] = {
    'type': 'string', 'pattern': '^[1-9][0-9]*$'}

# 1.17: required traits.
GET_SCHEMA_1_17 = copy.deepcopy(GET_SCHEMA_1_16)
GET_SCHEMA_1_17['properties']['required'] = _STRING

# 1.21: member_of.
GET_SCHEMA_1_21 = copy.deepcopy(GET_SCHEMA_1_17)
GET_SCHEMA_1_21['properties']['member_of'] = _STRING


def _granular(suffix_pattern, prefixes):
    return {
        'type': 'object',
        'properties': {
            'group_policy': {'type': 'string',
                             'enum': ['none', 'isolate']},
            'limit': {'type': 'string', 'pattern': '^[1-9][0-9]*$'},
        },
        'patternProperties': {
            '^%s(%s)?$' % (prefix, suffix_pattern): _STRING
            for prefix in prefixes},
        'additionalProperties': False,
    }


# 1.25: numbered request groups; 'resources' is no longer required (the
# parser asks for at least one group).
GET_SCHEMA_1_25 = _granular(request_group.NUMBERED_SUFFIX,
                            ('resources', 'required', 'member_of'))

# 1.31: in_tree, per group.
GET_SCHEMA_1_31 = _granular(request_group.NUMBERED_SUFFIX,
                            ('resources', 'required', 'member_of',
                             'in_tree'))

# 1.33: string suffixes.
GET_SCHEMA_1_33 = _granular(request_group.STRING_SUFFIX,
                            ('resources', 'required', 'member_of',
                             'in_tree'))

# 1.35: root_required.
GET_SCHEMA_1_35 = copy.deepcopy(GET_SCHEMA_1_33)
GET_SCHEMA_1_35['properties']['root_required'] = _STRING

# 1.36: same_subtree.
GET_SCHEMA_1_36 = copy.deepcopy(GET_SCHEMA_1_35)
GET_SCHEMA_1_36['properties']['same_subtree'] = _STRING

# (first microversion, schema), newest first.
BY_VERSION = (
    ((1, 36), GET_SCHEMA_1_36),
    ((1, 35), GET_SCHEMA_1_35),
    ((1, 33), GET_SCHEMA_1_33),
    ((1, 31), GET_SCHEMA_1_31),
    ((1, 25), GET_SCHEMA_1_25),
    ((1, 21), GET_SCHEMA_1_21),
    ((1, 17), GET_SCHEMA_1_17),
    ((1, 16), GET_SCHEMA_1_16),
    ((1, 10), GET_SCHEMA_1_10),
)


def for_version(version):
    for since, schema in BY_VERSION:
        if version >= since:
            return schema
    return GET_SCHEMA_1_10
