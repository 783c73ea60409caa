"""GET /resource_providers: providers matching name, uuid, tree,
aggregate, trait and capacity filters, in one query."""
from placement.db import api as db_api
from placement.objects import inventory
from placement.objects import resource_class
from placement.objects import resource_provider
from placement.objects.search import sql


@db_api.reader
def list_providers(ctx, conn, flt):
    """ResourceProviders matching ``flt`` (a request_group.ProviderFilter),
    by id. Raises ResourceClassNotFound / TraitNotFound for unknown
    names."""
    class_ids = resource_class.ids_for_names(conn, sorted(flt.resources))
    class_amounts = {class_ids[name]: amount
                     for name, amount in flt.resources.items()}
    trait_id_of = sql.trait_ids(conn, flt.traits.names())
    if any(amount > inventory.MAX_INT for amount in class_amounts.values()):
        # More than any max_unit can be: nothing fits (and the database
        # need not be asked with a number its integers cannot hold).
        return []
    rows = sql.list_providers(conn, flt, class_amounts, trait_id_of)
    return resource_provider.from_rows(rows)
