"""Rendering of recommendations for the terminal (Chinese) and as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

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
    return " ".join(f"{PART_LABELS.get(name, name)}{value:.2f}" for name, value in parts.items())


def print_recommendations(console: Console, title: str, results: Sequence[Recommendation]) -> None:
    """A table: rank, title, score and its parts, reasons and rule checks."""
    table = Table(title=title, show_lines=True, title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("推荐对象", max_width=34)
    table.add_column("得分", justify="right")
    table.add_column("得分构成", max_width=22)
    table.add_column("推荐理由", max_width=60)
    for rank, rec in enumerate(results, 1):
        lines = list(rec.reasons)
        lines += [("✓ " if c.passed else "✗ ") + c.reason for c in rec.checks]
        title = f"{rec.title}\n[dim]{rec.id}[/dim]"
        table.add_row(str(rank), title, f"{rec.score:.3f}", parts_text(rec.parts), "\n".join(lines))
    if not results:
        table.add_row("-", "没有符合条件的结果", "", "", "")
    console.print(table)


def recommendations_json(results: Sequence[Recommendation]) -> str:
    return json.dumps([r.model_dump(mode="json") for r in results], ensure_ascii=False, indent=2)
