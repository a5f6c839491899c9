"""matcher: matchmaking recommendations for SME programs.

Needs, tech results, finance products and policies, embedded and matched with FAISS.
"""

__version__ = "0.1.0"
