"""The object layer: every SQL statement of the service lives here.

Functions take a RequestContext first; those that touch the database run in
a transaction opened with ``placement.db.api.writer``/``reader`` (nested
calls join the caller's transaction, so one API operation is one
transaction). Handlers call these functions and never build SQL.
"""
