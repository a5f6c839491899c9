"""Errors with messages meant for users (Chinese)."""

from __future__ import annotations


class MatcherError(Exception):
    """Base class: the message is shown to the user as is."""


class IngestError(MatcherError):
    """A file could not be imported; `problems` lists every bad row."""

    def __init__(self, message: str, problems: list | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class NotFoundError(MatcherError):
    """A record, index or workspace that the user named does not exist."""


class IndexMismatchError(MatcherError):
    """An index on disk does not match the data or the encoder; rebuild it."""


class InvalidValue(MatcherError):
    """Values given for named fields are not acceptable; `problems` lists (field, reason),
    `location` says where the fields were given (`body`, `query`)."""

    def __init__(
        self, problems: list[tuple[str, str]], message: str | None = None, location: str = "body"
    ) -> None:
        self.problems = problems
        self.location = location
        shown = "；".join(f"{field}：{reason}" for field, reason in problems[:3])
        super().__init__(message or f"请求参数有误：{shown}")


class ConflictError(MatcherError):
    """The change conflicts with what is stored (an id already taken, a record in use)."""


CONFLICT_MESSAGE = "数据已被他人修改，请刷新后重试"


class VersionConflict(ConflictError):
    """A write stated the version it read, and the stored version has moved on (or the thing
    is gone); nothing was written. `what` names it (e.g. 需求「N1」); `current` is the stored
    version now (None: deleted), `expected` the one the writer read."""

    def __init__(self, what: str, current: int | None, expected: int) -> None:
        self.what = what
        self.current = current
        self.expected = expected
        super().__init__(f"{CONFLICT_MESSAGE}：{self.reason}")

    @property
    def reason(self) -> str:
        """What changed, without the advice, e.g. 需求「N1」已被他人修改（现为第 4 版……）."""
        if self.current is None:
            return f"{self.what}已被他人删除（提交的是第 {self.expected} 版）"
        if self.expected == 0:
            return f"{self.what}已被他人创建（现为第 {self.current} 版）"
        return f"{self.what}已被他人修改（现为第 {self.current} 版，提交的是第 {self.expected} 版）"
