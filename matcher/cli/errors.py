"""Turn user errors into a clean Chinese message and exit code 1, never a traceback: library
errors as they are, values the domain models refuse (pydantic) field by field."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from matcher.errors import MatcherError
from matcher.ingest.validate import translate_error

F = TypeVar("F", bound=Callable[..., Any])
_stderr = Console(stderr=True, soft_wrap=True)


def exit_on_user_error(func: F) -> F:
    """Decorator for commands: a MatcherError or a refused value prints `错误：…` to stderr and
    exits with 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MatcherError as error:
            _stderr.print(f"[red]错误：[/red]{error}", highlight=False)
            raise typer.Exit(1) from error
        except ValidationError as error:
            _stderr.print(f"[red]错误：[/red]{escape(refused_values(error))}", highlight=False)
            raise typer.Exit(1) from error

    return wrapper  # type: ignore[return-value]


def refused_values(error: ValidationError) -> str:
    """Every refused field of a domain model, in Chinese: `字段：原因；…`."""
    return "；".join(
        f"{'.'.join(str(p) for p in e['loc'][:1]) or '输入'}：{translate_error(e)}"
        for e in error.errors()
    )
