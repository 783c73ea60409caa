"""WSGI middleware of the API, composed by placement.deploy."""
