"""A drop-in compatible implementation of the OpenStack Placement API."""

__version__ = '1.0.0'
