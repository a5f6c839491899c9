"""Streaming import for large files: chunk by chunk into a staging area, resumable, then
published all at once.

A file is read `chunk_rows` rows at a time; each chunk is validated and set aside in the
store's staging area of this import (`RecordStore.staging`, named after the files), so
memory stays bounded whatever the file size and nothing is visible yet. After each chunk a
checkpoint (`<checkpoints>/<file name>.<path hash>.json`, replaced atomically) records the
last row staged, the report so far, how many records the part holds and the file's
identity (size, modification time, hash of its first MiB). A rerun after a crash, even
`kill -9`, skips the rows the checkpoint covers without converting them and goes on from
the next chunk; a changed file (or a staging area that lost its records) starts that file
over. When every file is staged, the whole import is published in one step (one
transaction on SQL; see `matcher.store` for the JSONL files): readers see the old records
or the new, never part of a folder. Added / updated / unchanged are counted then; the
checkpoints are removed afterwards.

A chunk with bad rows stops the import (without `skip_bad_rows`) with nothing published;
with checkpoints the chunks before it stay staged for a rerun. Duplicate ids are caught
within a chunk, and across chunks the later row wins, as a re-import would. Needs and
offers may cite enterprises stored or staged by the same import (enterprises go first).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from matcher.atomic import write_text_atomic
from matcher.crash import crash_point
from matcher.errors import IngestError
from matcher.ingest.kinds import KIND_ORDER
from matcher.ingest.problems import Problem
from matcher.ingest.readers import Row, file_format, open_table
from matcher.ingest.references import check_citations
from matcher.ingest.report import ImportReport
from matcher.ingest.validate import REFERENCING_KINDS, CheckedFile, check_header, check_rows
from matcher.store import RecordStore, Staging, UpsertSummary
from matcher.types import KIND_LABELS

Reported = Callable[[list[ImportReport]], None]

CHUNK_ROWS = 5000
STREAM_MIN_BYTES = 64 << 20  # files at least this large (together) are streamed by default
PROBLEMS_KEPT = 1000  # problems listed in a report; every skipped row is still counted
HEAD_BYTES = 1 << 20
_COUNT_BLOCK = 1 << 22


def should_stream(paths: Iterable[Path]) -> bool:
    """Whether files this large are better imported chunk by chunk (what is not a regular
    file counts as empty: reading it refuses it)."""
    sizes = (Path(path).stat().st_size if Path(path).is_file() else 0 for path in paths)
    return sum(sizes) >= STREAM_MIN_BYTES


def file_identity(path: Path) -> dict[str, int | str]:
    """What a checkpoint must match: size, modification time and a hash of the first MiB."""
    stat = path.stat()
    with path.open("rb") as handle:
        head = hashlib.sha256(handle.read(HEAD_BYTES)).hexdigest()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "head": head}


def batch_name(targets: Iterable[tuple[Path, str]]) -> str:
    """The staging batch of an import: the same files (and kinds) always name the same one."""
    listed = "\n".join(f"{Path(path).resolve()}\t{kind}" for path, kind in targets)
    return f"import-{hashlib.sha256(listed.encode('utf-8')).hexdigest()[:24]}"


def checkpoint_path(checkpoints: Path, path: Path) -> Path:
    """The checkpoint file of one input file."""
    digest = hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:12]
    return checkpoints / f"{path.name}.{digest}.json"


@dataclass
class _Progress:
    """How far one file is: the last row written and the report so far."""

    row: int
    report: ImportReport
    done: bool = False
    staged: int = 0  # records the file's part of the staging held at the last checkpoint


def stream_import(
    store: RecordStore,
    targets: list[tuple[Path, str]],
    skip_bad_rows: bool = False,
    progress: bool = True,
    checkpoints: Path | None = None,
    chunk_rows: int = CHUNK_ROWS,
    within: Reported | None = None,
) -> list[ImportReport]:
    """Import files chunk by chunk (enterprises first), all published at once; resumable
    when `checkpoints` is set. `within(reports)` runs before the publish is final (on SQL
    in its transaction).

    Every header is checked before anything is staged.
    """
    if chunk_rows < 1:
        raise IngestError(f"每批行数至少为 1，实际为 {chunk_rows}")
    ordered = sorted(targets, key=lambda target: KIND_ORDER.index(target[1]))
    unreadable: list[Problem] = []
    for path, kind in ordered:
        try:
            with open_table(path) as table:
                if table.columns is not None:
                    check_header(str(path), kind, table.columns)
        except IngestError as error:
            unreadable += error.problems
    if unreadable:
        names = "；".join(f"无法读取「{Path(p.file).name}」：{p.reason}" for p in unreadable)
        raise IngestError(f"导入失败，未写入任何数据：{names}", unreadable)
    batch = batch_name(ordered)
    staging = store.staging(batch)
    if checkpoints is None:
        staging.drop()  # nothing to resume from: what an earlier run staged is stale
    reports: list[ImportReport] = []

    def counted(summaries: list[UpsertSummary]) -> None:
        for report, summary in zip(reports, summaries, strict=True):
            report.added, report.updated = summary.added, summary.updated
            report.unchanged = summary.unchanged
        if within is not None:
            within(reports)

    try:
        for part, (path, kind) in enumerate(ordered):
            options = (skip_bad_rows, progress, checkpoints, chunk_rows)
            reports.append(_stream_file(staging, batch, part, path, kind, *options))
        staging.publish([(part, kind) for part, (_, kind) in enumerate(ordered)], counted)
    except BaseException:
        if checkpoints is None:  # no rerun can resume from what was staged
            staging.drop()
        raise
    crash_point("import.published")
    if checkpoints is not None:
        for path, _ in ordered:
            checkpoint_path(checkpoints, path).unlink(missing_ok=True)
    return reports


def _stream_file(
    staging: Staging,
    batch: str,
    part: int,
    path: Path,
    kind: str,
    skip_bad_rows: bool,
    progress: bool,
    checkpoints: Path | None,
    chunk_rows: int,
) -> ImportReport:
    """Stage one file as part `part`, from where its checkpoint says."""
    saved = checkpoint_path(checkpoints, path) if checkpoints is not None else None
    identity = {**file_identity(path), "batch": batch}
    state = _resume(saved, identity, str(path), kind)
    if state.staged > staging.count(part, kind):  # the staged records are gone: start over
        state = _Progress(0, ImportReport(file=str(path), kind=kind, rows=0))
    if state.row == 0 and not state.done:
        staging.drop(part)  # a fresh start: whatever an older run staged here is stale
    state.report.resumed_from = state.report.rows
    if state.done:
        return state.report
    label = f"导入 {path.name}（{KIND_LABELS[kind]}）"
    with (
        open_table(path, start_after=state.row) as table,
        tqdm(
            total=_estimate_rows(path),
            initial=state.report.rows,
            desc=label,
            unit="行",
            disable=None if progress else True,
            mininterval=0.5,
            smoothing=0.1,
        ) as bar,
    ):
        for chunk in _batched(table.rows, chunk_rows):
            checked = _check_chunk(staging, str(path), kind, chunk)
            crash_point("import.read")
            if checked.problems and not skip_bad_rows:
                raise IngestError(
                    _stopped_message(path, chunk, checked, state, saved), checked.problems
                )
            staging.add(part, kind, checked.records)
            crash_point("import.staged")
            report = state.report
            report.rows += checked.rows
            report.skipped += checked.bad_rows
            report.problems += checked.problems[: max(0, PROBLEMS_KEPT - len(report.problems))]
            state.row = chunk[-1].number
            state.staged = staging.count(part, kind)
            if saved is not None:
                _save(saved, identity, state)
            bar.update(checked.rows)
    state.done = True
    if saved is not None:
        _save(saved, identity, state)
    return state.report


def _check_chunk(staging: Staging, file: str, kind: str, rows: list[Row]) -> CheckedFile:
    if kind not in REFERENCING_KINDS:
        return check_rows(file, kind, rows)
    return check_citations(lambda known: check_rows(file, kind, rows, known), staging)


def _resume(saved: Path | None, identity: dict, file: str, kind: str) -> _Progress:
    """The progress a matching checkpoint records, or a fresh start."""
    fresh = _Progress(0, ImportReport(file=file, kind=kind, rows=0))
    if saved is None or not saved.exists():
        return fresh
    try:
        data = json.loads(saved.read_text(encoding="utf-8"))
        if data["identity"] != identity or data["kind"] != kind:
            return fresh
        report = ImportReport.from_dict({**data["report"], "file": file})
        staged = int(data.get("staged", 0))
        return _Progress(int(data["row"]), report, bool(data.get("done")), staged)
    except (ValueError, KeyError, TypeError):
        return fresh  # an unreadable checkpoint only costs a full (idempotent) rerun


def _save(saved: Path, identity: dict, state: _Progress) -> None:
    data = {"kind": state.report.kind, "identity": identity, "row": state.row,
            "done": state.done, "staged": state.staged,
            "report": state.report.to_dict()}  # fmt: skip
    write_text_atomic(saved, json.dumps(data, ensure_ascii=False))


def _batched(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _estimate_rows(path: Path) -> int | None:
    """About how many data rows a CSV or JSONL file holds (its line count); None for XLSX."""
    fmt = file_format(path)
    if fmt == "xlsx":
        return None
    lines = 0
    with path.open("rb") as handle:
        while block := handle.read(_COUNT_BLOCK):
            lines += block.count(b"\n")
    return max(0, lines - 1) if fmt == "csv" else lines


def _stopped_message(
    path: Path, chunk: list[Row], checked: CheckedFile, state: _Progress, saved: Path | None
) -> str:
    done = state.report.rows
    span = f"第{chunk[0].number}–{chunk[-1].number}行"
    where = f"「{path.name}」{span}中有 {checked.bad_rows} 行数据有问题"
    if saved is None:
        return f"导入中止，未写入任何数据：{where}；修正后重新导入，或加 --skip-bad-rows 跳过问题行"
    kept = f"此前校验通过的 {done} 行已暂存" if done else "此前没有暂存任何行"
    hint = "加 --skip-bad-rows 重新运行将从这一批继续并跳过问题行，修正文件后重新运行则从头导入"
    return f"导入中止，未写入任何数据：{where}；{kept}，{hint}"
