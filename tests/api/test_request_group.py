"""The provider query language: parser unit tests (no database) and the
400 answers of the API, per microversion."""
import uuid

import pytest
import webob.exc
from webob import multidict

from placement import microversion
from placement import request_group

AGG = str(uuid.uuid4())


def _version(text):
    return microversion.microversion_parse.parse_version_string(text)


def _params(query):
    pairs = [item.split('=', 1) for item in query.split('&') if item]
    return multidict.MultiDict(pairs)


def parse(query, version='1.39'):
    return request_group.parse_candidate_query(_params(query),
                                               _version(version))


def test_parse_groups_traits_and_aggregates():
    query = parse('resources=VCPU:2,MEMORY_MB:512'
                  '&required=HW_CPU_X86_AVX,!CUSTOM_FOO'
                  '&required=in:CUSTOM_A,CUSTOM_B'
                  '&member_of=in:%s,%s&member_of=!%s'
                  '&resources_NET=SRIOV_NET_VF:1&in_tree_NET=%s'
                  '&group_policy=isolate&limit=5&limit=9'
                  '&root_required=!COMPUTE_STATUS_DISABLED'
                  % (AGG, AGG.upper(), AGG, AGG))
    plain, net = query.groups
    assert plain.suffix == '' and not plain.use_same_provider
    assert plain.resources == {'VCPU': 2, 'MEMORY_MB': 512}
    assert plain.traits.required == {'HW_CPU_X86_AVX'}
    assert plain.traits.forbidden == {'CUSTOM_FOO'}
    assert plain.traits.any_of == [{'CUSTOM_A', 'CUSTOM_B'}]
    assert plain.aggregates.member_of == [{AGG}]
    assert plain.aggregates.forbidden == {AGG}
    assert net.suffix == '_NET' and net.use_same_provider
    assert net.in_tree == AGG
    assert query.limit == 5
    assert query.group_policy == 'isolate'
    assert query.root_traits.forbidden == {'COMPUTE_STATUS_DISABLED'}
    assert query.nested_aware
    assert not parse('resources=VCPU:1', '1.28').nested_aware


def test_parse_before_1_39_last_required_wins():
    group = parse('resources=VCPU:1&required=CUSTOM_A&required=CUSTOM_B',
                  '1.38').groups[0]
    assert group.traits.required == {'CUSTOM_B'}


def test_trait_filter_semantics():
    flt = request_group.TraitFilter(required={'A'}, any_of=[{'B', 'C'}],
                                    forbidden={'D'})
    assert flt.satisfied_by({'A', 'C'})
    assert not flt.satisfied_by({'A'})
    assert not flt.satisfied_by({'A', 'B', 'D'})
    assert not request_group.TraitFilter()


@pytest.mark.parametrize('query,version,message', [
    ('resources=', '1.39', 'Got: empty string.'),
    ('resources=VCPU', '1.39', 'Got: VCPU.'),
    ('resources=VCPU:1,', '1.39', 'Got: .'),
    ('resources=VCPU:x', '1.39', 'expected positive integer amount'),
    ('resources=VCPU:0', '1.39', 'requires amount >= 1. Got: 0.'),
    ('resources=VCPU:1&required=', '1.21',
     'of the form: HW_CPU_X86_VMX,CUSTOM_MAGIC.'),
    ('resources=VCPU:1&required=!A', '1.21',
     'of the form: HW_CPU_X86_VMX,CUSTOM_MAGIC. Got: !A'),
    ('resources=VCPU:1&required=A,,B', '1.22',
     'of the form: HW_CPU_X86_VMX,!CUSTOM_MAGIC.'),
    ('resources=VCPU:1&required=in:A,B', '1.38',
     "The format 'in:HW_CPU_X86_VMX,CUSTOM_MAGIC' only supported since "
     "microversion 1.39."),
    ('resources=VCPU:1&required=A,!A', '1.39',
     'Conflicting required and forbidden traits'),
    ('resources=VCPU:1&member_of=nope', '1.39',
     "Expected 'member_of' parameter to contain valid UUID(s)."),
    ('resources=VCPU:1&member_of=in:', '1.39',
     "Expected 'member_of' parameter to contain valid UUID(s)."),
    ('resources=VCPU:1&member_of=%s,%s' % (AGG, AGG), '1.39',
     "must be prefixed with the 'in:' or '!in:' keyword"),
    ('resources=VCPU:1&member_of=%s&member_of=%s' % (AGG, AGG), '1.23',
     'Multiple member_of parameters are not supported'),
    ('resources=VCPU:1&member_of=!%s' % AGG, '1.31',
     'Forbidden member_of parameters are not supported'),
    ('resources=VCPU:1&in_tree1=nope', '1.31',
     "Expected 'in_tree' parameter to be a format of uuid"),
    ('group_policy=none', '1.25',
     'At least one request group (`resources` or `resources{$S}`) is '
     'required.'),
    ('required=A&required1=B', '1.25',
     'Found the following orphaned traits keys: required, required1'),
    ('member_of=%s&member_of3=%s' % (AGG, AGG), '1.25',
     'Found the following orphaned member_of keys: member_of, member_of3'),
    ('resources=VCPU:1&in_tree1=%s' % AGG, '1.35',
     'All request groups must specify resources.'),
    ('resources1=VCPU:1&resources2=VCPU:1', '1.25',
     'The "group_policy" parameter is required'),
    ('resources1=VCPU:1&required2=A&group_policy=none', '1.36',
     'Resourceless suffixed group request should be specified in '
     '`same_subtree` query param'),
    ('resources_A=VCPU:1&same_subtree=A', '1.36',
     'Real suffixes should be specified in `same_subtree`:'),
    ('resources_A=VCPU:1&same_subtree=_A,,_A', '1.36',
     'Empty string (unsuffixed group) can not be specified in '
     '`same_subtree`'),
    ('resources=VCPU:1&root_required=A&root_required=B', '1.36',
     "Query parameter 'root_required' may be specified only once."),
])
def test_parse_errors(query, version, message):
    with pytest.raises(webob.exc.HTTPBadRequest) as raised:
        parse(query, version)
    assert message in raised.value.detail


def _error(client, path, version):
    response = client.get(path, version=version)
    assert response.status == 400, (path, version, response)
    return response.json['errors'][0]


def test_candidate_query_errors_by_version(client, db):
    """Schema errors and error codes as clients see them."""
    cases = [
        ('/allocation_candidates', '1.10',
         "'resources' is a required property"),
        ('/allocation_candidates?resources=VCPU:1&limit=5', '1.15',
         "'limit' was unexpected"),
        ('/allocation_candidates?resources=VCPU:1&limit=0', '1.16',
         "Failed validating 'pattern'"),
        ('/allocation_candidates?resources=VCPU:1&member_of=%s' % AGG,
         '1.20', "'member_of' was unexpected"),
        ('/allocation_candidates?resources=VCPU:1&resources1=VCPU:1',
         '1.24', "'resources1' was unexpected"),
        ('/allocation_candidates?resources01=VCPU:1', '1.25',
         "'resources01' does not match any of the regexes"),
        ('/allocation_candidates?resources_X=VCPU:1', '1.32',
         "'resources_X' does not match any of the regexes"),
        ('/allocation_candidates?resources=VCPU:1&group_policy=bogus',
         '1.25', "'bogus' is not one of ['none', 'isolate']"),
        ('/allocation_candidates?resources=VCPU:1&in_tree=%s' % AGG,
         '1.30', "'in_tree' does not match any of the regexes"),
        ('/allocation_candidates?resources=VCPU:1&root_required=A',
         '1.34', "'root_required' does not match any of the regexes"),
        ('/allocation_candidates?resources=MCPU:1', '1.39',
         'Invalid resource class in resources parameter'),
    ]
    for path, version, message in cases:
        assert message in _error(client, path, version)['detail'], path
    missing = _error(client, '/allocation_candidates?member_of1=%s'
                     '&group_policy=none' % AGG, '1.36')
    assert missing['code'] == 'placement.query.missing_value'
    bad = _error(client, '/allocation_candidates?resources_A=VCPU:1'
                 '&same_subtree=_B', '1.36')
    assert bad['code'] == 'placement.query.bad_value'
    duplicate = _error(client, '/allocation_candidates?resources=VCPU:1'
                       '&root_required=A&root_required=B', '1.36')
    assert duplicate['code'] == 'placement.query.duplicate_key'


def test_provider_list_query_errors_by_version(client, db):
    cases = [
        ('/resource_providers?uuid=spameggs', '1.39',
         'Invalid query string parameters'),
        ('/resource_providers?spam=eggs', '1.39',
         'Invalid query string parameters'),
        ('/resource_providers?member_of=%s' % AGG, '1.2',
         "'member_of' was unexpected"),
        ('/resource_providers?resources=VCPU:1', '1.3',
         "'resources' was unexpected"),
        ('/resource_providers?in_tree=%s' % AGG, '1.13',
         "'in_tree' was unexpected"),
        ('/resource_providers?required=HW_CPU_X86_SGX', '1.17',
         'Additional properties are not allowed'),
        ('/resource_providers?required=!HW_CPU_X86_SGX', '1.21',
         'Got: !HW_CPU_X86_SGX'),
        ('/resource_providers?required=BOGUS', '1.39',
         'No such trait(s): BOGUS.'),
        ('/resource_providers?resources=NOPE:1', '1.39',
         'Invalid resource class in resources parameter'),
        ('/resource_providers?member_of=not+a+uuid', '1.39',
         "Expected 'member_of' parameter to contain valid UUID(s)."),
        ('/resource_providers?required=in:A,B', '1.38',
         "only supported since microversion 1.39"),
    ]
    for path, version, message in cases:
        assert message in _error(client, path, version)['detail'], path
