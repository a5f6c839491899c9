"""The Chinese web UI: server-rendered Jinja2 pages with vendored htmx, over the service state."""
