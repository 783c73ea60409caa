"""Provider search: the provider list filters and allocation candidates.

``sql`` holds every statement; ``candidates`` combines their answers into
allocation requests; ``providers`` serves GET /resource_providers.
"""
