"""Rendering of recommendations for the terminal (Chinese) and as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape

from matcher.types import Recommendation

NO_MATCH = "暂无合适匹配：以下是最接近的结果，均为弱相关，仅供参考"
PART_LABELS = {
    "relevance": "置信度",
    "semantic": "语义",
    "lexical": "词汇",
    "chain": "产业链",
    "district": "区域",
    "rules": "条件",
}
# ✓ passed, ✗ failed, ？ not given (to be verified): a rule never shows as passed unchecked.
CHECK_MARKS = {
    "passed": "[green]✓[/green]",
    "failed": "[red]✗[/red]",
    "unknown": "[yellow]？[/yellow]",
}


def parts_text(parts: dict[str, float]) -> str:
    """The labelled score parts; other pair features (supply_bank, demand_tier …) stay in JSON."""
    return " ".join(
        f"{PART_LABELS[name]} {value:.2f}" for name, value in parts.items() if name in PART_LABELS
    )


def print_recommendations(console: Console, title: str, results: Sequence[Recommendation]) -> None:
    """One block per result: rank, title, id, score, score parts, reasons and rule checks."""
    console.rule(f"[bold]{escape(title)}[/bold]", align="left")
    if not results:
        console.print("  没有符合条件的结果")
    elif not any(rec.match for rec in results):
        console.print(f"  [yellow]{NO_MATCH}[/yellow]")
    for rank, rec in enumerate(results, 1):
        verdict = "匹配" if rec.match else "[yellow]弱相关[/yellow]"
        console.print(
            f"[bold]{rank}. {escape(rec.title)}[/bold] [dim]({rec.id})[/dim]  {verdict} "
            f"置信度 [bold cyan]{rec.confidence:.2f}[/bold cyan]  "
            f"[dim]排序得分 {rec.score:.3f}[/dim]"
        )
        console.print(f"   得分构成：{parts_text(rec.parts)}", style="dim")
        for reason in rec.reasons:
            console.print(f"   · {escape(reason)}")
        for check in rec.checks:
            console.print(f"   {CHECK_MARKS[check.status]} {escape(check.reason)}")
    console.print()


def recommendations_json(results: Sequence[Recommendation]) -> str:
    return json.dumps([r.model_dump(mode="json") for r in results], ensure_ascii=False, indent=2)
