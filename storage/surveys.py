"""`SurveyStore`: the post-meeting survey links (one per meeting and participant) and their
answers, on every SQL backend. A link is issued once (issuing it again keeps the first);
it is answered once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite

from storage.models import SurveyRow


@dataclass(frozen=True)
class Survey:
    """A survey link and, once answered, its answers."""

    token: str
    event_id: str
    a: str
    b: str
    participant_id: str
    created_at: datetime
    answered_at: datetime | None = None
    held: bool | None = None
    usefulness: int | None = None
    intent: bool | None = None
    note: str = ""
    applied: str = ""


@dataclass(frozen=True)
class Answers:
    """What a participant answered."""

    held: bool
    usefulness: int | None
    intent: bool | None
    note: str


def _survey(row: SurveyRow) -> Survey:
    return Survey(**{name: getattr(row, name) for name in Survey.__annotations__})


class SurveyStore:
    """Issue survey links, read them, store answers."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def issue(
        self, token: str, event_id: str, a: str, b: str, participant: str, now: datetime
    ) -> None:
        """Keep a survey link (nothing changes when it exists already)."""
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(SurveyRow).on_conflict_do_nothing(index_elements=["token"])
        values = {"token": token, "event_id": event_id, "a": a, "b": b, "note": "", "applied": "",
                  "participant_id": participant, "created_at": now}  # fmt: skip
        with self.engine.begin() as connection:
            connection.execute(statement.values(**values))

    def get(self, token: str) -> Survey | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(SurveyRow).where(SurveyRow.token == token)).first()
        return None if row is None else _survey(row)  # type: ignore[arg-type]

    def answer(
        self,
        token: str,
        answers: Answers,
        applied: str,
        now: datetime,
        connection: Connection | None = None,
    ) -> bool:
        """Store the answers of an unanswered link (in `connection`'s transaction when given);
        False when it was answered already."""
        statement = (
            update(SurveyRow)
            .where(SurveyRow.token == token, SurveyRow.answered_at.is_(None))
            .values(answered_at=now, held=answers.held, usefulness=answers.usefulness,
                    intent=answers.intent, note=answers.note, applied=applied)
        )  # fmt: skip
        if connection is not None:
            return connection.execute(statement).rowcount == 1
        with self.engine.begin() as own:
            return own.execute(statement).rowcount == 1

    def answered(self, event_id: str) -> list[Survey]:
        """The event's answered surveys, in the order they came in."""
        query = (
            select(SurveyRow)
            .where(SurveyRow.event_id == event_id, SurveyRow.answered_at.is_not(None))
            .order_by(SurveyRow.answered_at, SurveyRow.token)
        )
        with self.engine.connect() as connection:
            return [_survey(row) for row in connection.execute(query)]  # type: ignore[arg-type]
