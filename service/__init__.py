"""The FastAPI service over the matcher library: settings, auth, routers, web UI and CLI."""
