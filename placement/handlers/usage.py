"""Usages of one provider, and of a project (and user) across providers.
"""
from placement import errors
from placement import exception
from placement.handlers import allocation as alloc_handler
from placement.handlers import util
from placement import microversion
from placement.objects import usage as usage_obj
from placement.policies import usage as policies
from placement.schemas import usage as schemas


@util.answers_json
def list_usages(req):
    """GET /resource_providers/{uuid}/usages"""
    ctx = util.context(req)
    ctx.can(policies.PROVIDER_USAGES)
    rp_uuid = req.urlvars['uuid']
    try:
        generation, usages = usage_obj.for_provider(
            ctx, rp_uuid)
    except exception.ResourceProviderNotFound:
        raise errors.not_found(
            'No resource provider with uuid %(uuid)s found', uuid=rp_uuid)
    return util.json_response(req, {
        'resource_provider_generation': generation,
        'usages': usages,
    })


@microversion.min_version('1.9')
@util.answers_json
def get_total_usages(req):
    """GET /usages?project_id=&user_id=[&consumer_type=]"""
    ctx = util.context(req)
    by_type = util.version(req) >= (1, 38)
    util.validate_query(req, schemas.QUERY_V1_38 if by_type
                        else schemas.QUERY_V1_9)
    project_id = req.GET['project_id']
    user_id = req.GET.get('user_id')
    # Project readers may see their own project's usage only.
    ctx.can(policies.TOTAL_USAGES, target={'project_id': project_id})
    if by_type:
        usages = usage_obj.for_project_by_type(
            ctx, project_id, user_id, req.GET.get('consumer_type'))
    else:
        usages = usage_obj.for_project(ctx, project_id, user_id)
    return util.json_response(req, {'usages': usages})
