"""What importing one file did."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from matcher.ingest.problems import Problem


@dataclass
class ImportReport:
    """What importing one file did: rows read, records added/updated/unchanged, rows skipped.

    `resumed_from`: rows an interrupted earlier run had already imported (streaming import).
    """

    file: str
    kind: str
    rows: int
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    resumed_from: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        problems = [Problem(**problem) for problem in data.get("problems", [])]
        return cls(**{**data, "problems": problems})
