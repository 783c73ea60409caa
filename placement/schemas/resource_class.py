"""Bodies of POST /resource_classes and PUT /resource_classes/{name}.

Only custom classes can be created or renamed: their names start with
CUSTOM_ and use upper-case letters, digits and underscores. From
microversion 1.7 PUT has no body and the name in the URL is checked
against the same schema.
"""
CUSTOM_NAME = {
    'type': 'string',
    'pattern': '^CUSTOM_[A-Z0-9_]+$',
    'maxLength': 255,
}

# POST /resource_classes; also the body of PUT before 1.7 and, wrapped as
# {"name": ...}, the URL name of PUT from 1.7.
CREATE = {
    'type': 'object',
    'properties': {
        'name': CUSTOM_NAME,
    },
    'required': ['name'],
    'additionalProperties': False,
}

UPDATE = CREATE
