"""The WSGI entry point: ``placement.wsgi.api:application``.

Point uwsgi or gunicorn at it. Configuration comes from placement.conf
(OS_PLACEMENT_CONFIG_DIR or the default locations) and OS_<GROUP>__<OPTION>
environment variables. Under uWSGI, chunked request bodies are decoded
first (placement.middleware.chunked_input).
"""
from placement.middleware import chunked_input
from placement.wsgi import app as wsgi_app

application = chunked_input.wrap(wsgi_app.init_application())
