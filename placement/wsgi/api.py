"""The WSGI entry point: ``placement.wsgi.api:application``.

Point uwsgi or gunicorn at it. Configuration comes from placement.conf
(OS_PLACEMENT_CONFIG_DIR or the default locations) and OS_<GROUP>__<OPTION>
environment variables.
"""
from placement.wsgi import app as wsgi_app

application = wsgi_app.init_application()
