"""matcher: matchmaking recommendations for SME programs (needs, tech results, products, policies)."""

__version__ = "0.1.0"
