"""Turn user errors into a clean Chinese message and exit code 1, never a traceback."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from matcher.errors import MatcherError

F = TypeVar("F", bound=Callable[..., Any])
_stderr = Console(stderr=True, soft_wrap=True)


def exit_on_user_error(func: F) -> F:
    """Decorator for commands: a MatcherError prints `错误：…` to stderr and exits with 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MatcherError as error:
            _stderr.print(f"[red]错误：[/red]{error}", highlight=False)
            raise typer.Exit(1) from error

    return wrapper  # type: ignore[return-value]
