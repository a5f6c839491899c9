"""Rendering of recommendations for the terminal (Chinese) and as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape

from matcher.types import Recommendation

PART_LABELS = {
    "relevance": "相关度",
    "semantic": "语义",
    "lexical": "词汇",
    "chain": "产业链",
    "district": "区域",
    "rules": "条件",
}


def parts_text(parts: dict[str, float]) -> str:
    return " ".join(f"{PART_LABELS.get(name, name)} {value:.2f}" for name, value in parts.items())


def print_recommendations(console: Console, title: str, results: Sequence[Recommendation]) -> None:
    """One block per result: rank, title, id, score, score parts, reasons and rule checks."""
    console.rule(f"[bold]{escape(title)}[/bold]", align="left")
    if not results:
        console.print("  没有符合条件的结果")
    for rank, rec in enumerate(results, 1):
        console.print(
            f"[bold]{rank}. {escape(rec.title)}[/bold] [dim]({rec.id})[/dim]  "
            f"得分 [bold cyan]{rec.score:.3f}[/bold cyan]"
        )
        console.print(f"   得分构成：{parts_text(rec.parts)}", style="dim")
        for reason in rec.reasons:
            console.print(f"   · {escape(reason)}")
        for check in rec.checks:
            mark = "[green]✓[/green]" if check.passed else "[red]✗[/red]"
            console.print(f"   {mark} {escape(check.reason)}")
    console.print()


def recommendations_json(results: Sequence[Recommendation]) -> str:
    return json.dumps([r.model_dump(mode="json") for r in results], ensure_ascii=False, indent=2)
