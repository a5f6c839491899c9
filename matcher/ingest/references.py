"""Needs and offers cite enterprises: check the citations of an import against the store (or
a staging area, which also knows what the import staged) in bulk (one `existing_ids` call),
never by loading every stored enterprise."""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Set
from typing import Protocol

from matcher.ingest.validate import CheckedFile


class KnownIds(Protocol):
    """What citations are checked against: a `RecordStore` or a `Staging`."""

    def existing_ids(self, kind: str, ids: Iterable[str]) -> set[str]: ...


class _Cited:
    """Accepts every id and remembers it: a first pass learns which ids the rows cite."""

    def __init__(self) -> None:
        self.ids: set[str] = set()

    def __contains__(self, item: object) -> bool:
        if isinstance(item, str):
            self.ids.add(item)
        return True


class _AllBut:
    """Every id except the missing ones."""

    def __init__(self, missing: set[str]) -> None:
        self.missing = missing

    def __contains__(self, item: object) -> bool:
        return item not in self.missing


def check_citations(
    check: Callable[[Container[str]], CheckedFile],
    store: KnownIds,
    new: Set[str] = frozenset(),
) -> CheckedFile:
    """Run `check` (a validation of rows that cite enterprises, given the ids they may cite)
    so that citing an enterprise that is neither stored nor in `new` is a problem.

    `check` runs once, and a second time only when some cited enterprise is missing.
    """
    cited = _Cited()
    checked = check(cited)
    asked = cited.ids - new
    missing = asked - store.existing_ids("enterprise", asked) if asked else set()
    return check(_AllBut(missing)) if missing else checked
