"""Traits (microversion 1.6 on): the custom trait CRUD and the traits of a
provider."""
import re

from placement import errors
from placement import exception
from placement.handlers import resource_provider
from placement.handlers import util
from placement import microversion
from placement.objects import trait as trait_obj
from placement.policies import trait as policies
from placement.schemas import trait as schemas

_CUSTOM_TRAIT = re.compile(schemas.CUSTOM_TRAIT_PATTERN)


def _trait_url(req, name):
    return '%s/traits/%s' % (req.script_name, name)


def _no_content_with_cache_headers(req, last_modified, location=None):
    """A 204 (or 201) without a body, which from 1.15 still says when the
    trait changed last."""
    response = util.no_content()
    if util.version(req) >= (1, 15):
        response.last_modified = util.latest([last_modified])
        response.cache_control = 'no-cache'
    if location:
        response.location = location
    return response


def _last_modified(traits):
    return util.latest([t.updated_at or t.created_at for t in traits])


def _name_filter(value):
    """(names, prefix) from ?name=in:A,B or ?name=startswith:PREFIX."""
    operator, sep, operand = value.partition(':')
    if sep and operator == 'in':
        return operand.split(','), None
    if sep and operator == 'startswith':
        return None, operand
    raise errors.bad_request(
        'Badly formatted name parameter. Expected name query string '
        'parameter in form: ?name=[in|startswith]:[name1,name2|prefix]. '
        'Got: "%(value)s"', value=value)


@microversion.min_version('1.6')
@util.answers_json
def list_traits(req):
    context = util.context(req)
    context.can(policies.TRAITS_LIST)
    util.validate_query(req, schemas.LIST_QUERY)
    names = prefix = associated = None
    if 'name' in req.GET:
        names, prefix = _name_filter(req.GET['name'])
    if 'associated' in req.GET:
        value = req.GET['associated'].lower()
        if value not in ('true', 'false'):
            raise errors.bad_request(
                'The query parameter "associated" only accepts "true" or '
                '"false"')
        associated = value == 'true'
    traits = trait_obj.list_traits(context, names=names, prefix=prefix,
                                   associated=associated)
    return util.json_response(req, {'traits': [t.name for t in traits]},
                              last_modified=_last_modified(traits))


@microversion.min_version('1.6')
def get_trait(req):
    context = util.context(req)
    context.can(policies.TRAITS_SHOW)
    name = req.urlvars['name']
    try:
        trait = trait_obj.get(context, name)
    except exception.TraitNotFound as exc:
        raise errors.not_found(str(exc))
    return _no_content_with_cache_headers(req, _last_modified([trait]))


@microversion.min_version('1.6')
def put_trait(req):
    context = util.context(req)
    context.can(policies.TRAITS_UPDATE)
    name = req.urlvars['name']
    if (len(name) > schemas.CUSTOM_TRAIT_MAX_LENGTH or
            not _CUSTOM_TRAIT.match(name)):
        raise errors.bad_request(
            'The trait is invalid. A valid trait must be no longer than '
            '255 characters, start with the prefix "CUSTOM_" and use '
            'following characters: "A"-"Z", "0"-"9" and "_"')
    trait, created = trait_obj.ensure(context, name)
    response = _no_content_with_cache_headers(
        req, _last_modified([trait]), location=_trait_url(req, name))
    if created:
        response.status = 201
    return response


@microversion.min_version('1.6')
def delete_trait(req):
    context = util.context(req)
    context.can(policies.TRAITS_DELETE)
    name = req.urlvars['name']
    try:
        trait_obj.delete(context, name)
    except exception.TraitNotFound as exc:
        raise errors.not_found(str(exc))
    except exception.TraitCannotDeleteStandard as exc:
        raise errors.bad_request(str(exc))
    except exception.TraitInUse as exc:
        raise errors.conflict(str(exc))
    return util.no_content()


def _provider_traits_response(req, rp_id, generation):
    traits = trait_obj.list_for_provider(util.context(req), rp_id)
    return util.json_response(req, {
        'traits': [t.name for t in traits],
        'resource_provider_generation': generation,
    }, last_modified=_last_modified(traits))


@microversion.min_version('1.6')
@util.answers_json
def list_traits_for_resource_provider(req):
    util.context(req).can(policies.RP_TRAIT_LIST)
    rp = resource_provider.load_provider(req)
    return _provider_traits_response(req, rp.id, rp.generation)


@microversion.min_version('1.6')
@util.requires_json
def update_traits_for_resource_provider(req):
    context = util.context(req)
    context.can(policies.RP_TRAIT_UPDATE)
    data = util.extract_json(req, resource_provider.ANY_JSON)
    rp = resource_provider.load_provider(req)
    util.validate(data, schemas.SET_PROVIDER_TRAITS)
    try:
        generation = trait_obj.set_for_provider(
            context, rp, data['traits'], data['resource_provider_generation'])
    except exception.TraitNotFound as exc:
        # Worded as upstream words it here.
        raise errors.bad_request('No such trait %(names)s',
                                 names=exc.kwargs['names'])
    except exception.ConcurrentUpdateDetected:
        raise resource_provider.generation_conflict()
    return _provider_traits_response(req, rp.id, generation)


@microversion.min_version('1.6')
def delete_traits_for_resource_provider(req):
    context = util.context(req)
    context.can(policies.RP_TRAIT_DELETE)
    rp = resource_provider.load_provider(req)
    try:
        trait_obj.delete_for_provider(context, rp)
    except exception.ConcurrentUpdateDetected:
        raise resource_provider.generation_conflict()
    return util.no_content()
