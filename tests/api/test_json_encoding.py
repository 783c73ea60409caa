"""util.dumps, the encoder of every JSON answer: the same JSON as
json.dumps, including for values orjson refuses."""
import json

from placement.handlers import util


def test_same_json_as_json_dumps():
    body = {'resource_providers': [
        {'uuid': 'a', 'generation': 3, 'parent_provider_uuid': None,
         'allocation_ratio': 1.5, 'name': 'n\u00e9e \u2603',
         'links': [{'rel': 'self', 'href': '/x'}]}]}
    assert json.loads(util.dumps(body)) == body


def test_values_only_json_dumps_writes():
    body = {'big': 2 ** 70, 'lone': '\ud800', 3: 'int key'}
    assert json.loads(util.dumps(body)) == {
        'big': 2 ** 70, 'lone': '\ud800', '3': 'int key'}
