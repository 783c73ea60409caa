"""GET /: version discovery."""
from placement.handlers import util
from placement import microversion


def home(req):
    return util.json_response(req, {
        'versions': [{
            'id': 'v1.0',
            'max_version': microversion.MAX_VERSION,
            'min_version': microversion.MIN_VERSION,
            'status': 'CURRENT',
            'links': [{'rel': 'self', 'href': ''}],
        }],
    })
