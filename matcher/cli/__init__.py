"""Command-line interface.

`matcher init | import | embed | index | recommend | policies | demo | evaluate | generate | event |
outcome | report | simulate-outcomes | train-ranker`.
"""

from matcher.cli import (  # noqa: F401  (importing registers the commands)
    embed_cmd,
    evaluate_cmd,
    event_cmd,
    generate_cmd,
    import_cmd,
    index_cmd,
    learn_cmd,
    outcome_cmd,
    query_cmd,
)
from matcher.cli.app import app

__all__ = ["app"]
