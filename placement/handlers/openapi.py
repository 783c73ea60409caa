"""GET /openapi.json: the API contract (placement.openapi)."""
from placement.handlers import util
from placement import openapi


@util.answers_json
def get_openapi(req):
    return util.json_response(req, openapi.document(req.script_name or '/'),
                              last_modified=False)
