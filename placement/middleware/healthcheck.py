"""/healthcheck: oslo.middleware's healthcheck application in front of the
API, so that load balancer probes need no token, touch no database and
do not fill the request log. Its behaviour (detailed answers, backends
such as disable_by_file, allowed_source_ranges ...) comes from the
[healthcheck] options; [healthcheck] enabled = False turns it off."""
from oslo_middleware import healthcheck

PATH = '/healthcheck'


class HealthcheckDispatch:

    def __init__(self, application, conf):
        self.application = application
        # Probes that the healthcheck declines (a source outside
        # allowed_source_ranges, a proxied request with
        # ignore_proxied_requests) go on to the API, which answers them as
        # any unknown URL.
        self.healthcheck = healthcheck.Healthcheck(application, conf)

    def __call__(self, environ, start_response):
        if environ.get('PATH_INFO') == PATH:
            return self.healthcheck(environ, start_response)
        return self.application(environ, start_response)


def wrap(application, conf):
    if not conf.healthcheck.enabled:
        return application
    return HealthcheckDispatch(application, conf)
