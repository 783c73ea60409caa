"""/resource_classes: list, show, create, rename (1.2-1.6), ensure (1.7+)
and delete resource classes. The whole API exists from microversion 1.2.
"""

from placement import errors
from placement import exception
from placement.handlers import util
from placement import microversion
from placement.objects import resource_class as rc_obj
from placement.policies import resource_class as policies
from placement.schemas import resource_class as schema


def _url(req, name):
    return '%s/resource_classes/%s' % (req.script_name, name)


def _serialize(req, rc):
    return {
        'name': rc.name,
        'links': [{'rel': 'self', 'href': _url(req, rc.name)}],
    }


def _get(ctx, name):
    try:
        return rc_obj.get_by_name(ctx, name)
    except exception.ResourceClassNotFound as exc:
        raise errors.not_found(str(exc))


def _show(req, rc, status=200):
    return util.json_response(req, _serialize(req, rc), status=status,
                              last_modified=rc.updated_at or rc.created_at)


@microversion.min_version('1.2')
@util.answers_json
def list_resource_classes(req):
    ctx = util.context(req)
    ctx.can(policies.LIST)
    classes = rc_obj.get_all(ctx)
    body = {'resource_classes': [_serialize(req, rc) for rc in classes]}
    return util.json_response(req, body, last_modified=util.latest(
        [rc.updated_at or rc.created_at for rc in classes]))


@microversion.min_version('1.2')
@util.answers_json
def get_resource_class(req):
    ctx = util.context(req)
    ctx.can(policies.SHOW)
    return _show(req, _get(ctx, req.urlvars['name']))


@microversion.min_version('1.2')
@util.requires_json
def create_resource_class(req):
    ctx = util.context(req)
    ctx.can(policies.CREATE)
    name = util.extract_json(req, schema.CREATE)['name']
    try:
        rc_obj.create(ctx, name)
    except exception.ResourceClassExists:
        # Upstream gives this 409 no error code (unlike a provider's).
        raise errors.conflict(
            'Conflicting resource class already exists: %(name)s',
            name=name)
    response = util.no_content(status=201)
    response.location = _url(req, name)
    return response


def _rename(req, ctx, name):
    """PUT before 1.7: change the name of a custom class."""
    new_name = util.extract_json(req, schema.UPDATE)['name']
    try:
        rc = rc_obj.rename(ctx, name, new_name)
    except exception.ResourceClassCannotUpdateStandard as exc:
        raise errors.bad_request(str(exc))
    except exception.ResourceClassNotFound as exc:
        raise errors.not_found(str(exc))
    except exception.ResourceClassExists:
        raise errors.conflict('Resource class already exists: %(name)s',
                              name=new_name)
    return _show(req, rc)


def _ensure(req, ctx, name):
    """PUT from 1.7: create the custom class unless it exists. Any body
    is ignored."""
    util.validate({'name': name}, schema.CREATE)
    _rc, created = rc_obj.ensure(ctx, name)
    response = util.no_content(status=201 if created else 204)
    response.location = _url(req, name)
    return response


@microversion.min_version('1.2')
def update_resource_class(req):
    ctx = util.context(req)
    renaming = util.version(req) < (1, 7)
    if renaming:
        # A rename has a body, checked first; from 1.7 there is none.
        util.check_content_type(req)
    ctx.can(policies.UPDATE)
    name = req.urlvars['name']
    if renaming:
        return _rename(req, ctx, name)
    return _ensure(req, ctx, name)


@microversion.min_version('1.2')
def delete_resource_class(req):
    ctx = util.context(req)
    ctx.can(policies.DELETE)
    name = req.urlvars['name']
    try:
        rc_obj.delete(ctx, name)
    except exception.ResourceClassCannotDeleteStandard as exc:
        raise errors.bad_request('Error in delete resource class: %(error)s',
                                 error=exc)
    except exception.ResourceClassNotFound as exc:
        raise errors.not_found(str(exc))
    except exception.ResourceClassInUse as exc:
        raise errors.conflict('Error in delete resource class: %(error)s',
                              error=exc)
    return util.no_content()
