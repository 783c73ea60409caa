"""One module per API resource; each handler takes a webob Request and
returns a webob Response. Routes are declared in placement.router."""
