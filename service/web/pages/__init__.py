"""The UI's pages, one module per area; `service.web.routes` gathers them."""
