"""Query of GET /usages (1.9; ``consumer_type`` from 1.38)."""
import copy

from placement.schemas import allocation

QUERY_V1_9 = {
    'type': 'object',
    'properties': {
        'project_id': allocation.EXTERNAL_ID,
        'user_id': allocation.EXTERNAL_ID,
    },
    'required': ['project_id'],
    'additionalProperties': False,
}

# A type name, or 'all' (everything under one key) or 'unknown' (the
# consumers written without a type); an unknown name matches nothing.
QUERY_V1_38 = copy.deepcopy(QUERY_V1_9)
QUERY_V1_38['properties']['consumer_type'] = {
    'type': 'string', 'pattern': '^[A-Z0-9_]+$|^all|^unknown$'}
