"""Import files into a RecordStore: validate everything first, then write, so nothing is
half-imported.

A directory import is all-or-nothing too: every data file is read and validated (enterprises
first, so needs and offers may cite enterprises of the same import), every problem of every
file is collected, and only when there are none (or `skip_bad_rows` is set) are the records
of every file written, in one `upsert_many` (one transaction on SQL; a crash leaves the
old records or the new, never some kinds of the folder). A file that cannot be read at all
(bad format, unknown column) rejects the import even with `skip_bad_rows`: skipping a whole
file is never silent.

Large files (`stream=None` and 64 MiB or more in all, or `stream=True`) go through the
streaming import instead (`matcher.ingest.stream`): chunk by chunk, resumable, published
all at once as well.

`within(reports)` runs before the import's write is final (on SQL, in its transaction):
the service writes its audit entries there.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Set
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from matcher.crash import crash_point
from matcher.errors import IngestError
from matcher.ingest.kinds import KIND_ORDER, choices, kind_from_filename, resolve_kind
from matcher.ingest.problems import Problem
from matcher.ingest.readers import Row, file_format, open_table
from matcher.ingest.references import check_citations
from matcher.ingest.report import ImportReport
from matcher.ingest.stream import CHUNK_ROWS, should_stream, stream_import
from matcher.ingest.validate import REFERENCING_KINDS, CheckedFile, check_header, check_rows
from matcher.store import RecordStore, UpsertSummary
from matcher.types import KIND_LABELS

Reported = Callable[[list[ImportReport]], None]


@dataclass
class FolderScan:
    """The data files of a folder with their kinds, and the files left out."""

    targets: list[tuple[Path, str]]
    ignored: list[Path]


def scan_folder(folder: Path, kind: str | None = None) -> FolderScan:
    """Data files directly in `folder` (.csv/.tsv/.jsonl/.xlsx), by name.

    Sub-folders, hidden files, other formats and (without `kind`) files whose name names no
    record kind are left out and listed in `ignored`.
    """
    forced = resolve_kind(kind) if kind else None
    targets: list[tuple[Path, str]] = []
    ignored: list[Path] = []
    for path in sorted(Path(folder).iterdir()):
        if path.name.startswith((".", "~$")) or path.is_dir():
            continue
        found = forced or kind_from_filename(path)
        if file_format(path) is None or found is None:
            ignored.append(path)
        else:
            targets.append((path, found))
    return FolderScan(targets, ignored)


def import_file(
    store: RecordStore,
    path: Path,
    kind: str | None = None,
    skip_bad_rows: bool = False,
    progress: bool = False,
    stream: bool | None = None,
    checkpoints: Path | None = None,
    chunk_rows: int = CHUNK_ROWS,
    within: Reported | None = None,
) -> ImportReport:
    """Import one CSV/JSONL/XLSX file; `kind` defaults to what the file name says.

    `stream`, `checkpoints`, `chunk_rows` and `within` as for `import_path`.
    """
    path = Path(path)
    if path.is_dir():
        raise IngestError(f"「{path}」是文件夹，请用 import_path 导入")
    targets = [_target(path, kind)]
    options = (skip_bad_rows, progress, stream, checkpoints, chunk_rows, within)
    return _run(store, targets, *options)[0]


def import_path(
    store: RecordStore,
    path: Path,
    kind: str | None = None,
    skip_bad_rows: bool = False,
    progress: bool = True,
    stream: bool | None = None,
    checkpoints: Path | None = None,
    chunk_rows: int = CHUNK_ROWS,
    within: Reported | None = None,
) -> list[ImportReport]:
    """Import a file, or every data file of a folder (see `scan_folder`), all or nothing.

    Streamed when `stream=True`, or `None` and the files are large (`should_stream`): then
    `chunk_rows` rows at a time are staged and, with a `checkpoints` folder, an interrupted
    run resumes where it stopped. `within(reports)` runs before the write is final (SQL: in
    its transaction, so what it writes commits with the records).
    """
    path = Path(path)
    if not path.exists():
        raise IngestError(f"找不到文件或文件夹「{path}」")
    if not path.is_dir():
        targets = [_target(path, kind)]
    else:
        targets = scan_folder(path, kind).targets
        if not targets:
            wanted = "（.csv .jsonl .xlsx，文件名表明类型，如 needs.csv）"
            raise IngestError(f"文件夹「{path}」中没有可导入的数据文件{wanted}")
    options = (skip_bad_rows, progress, stream, checkpoints, chunk_rows, within)
    return _run(store, targets, *options)


def _run(
    store: RecordStore,
    targets: list[tuple[Path, str]],
    skip_bad_rows: bool,
    progress: bool,
    stream: bool | None,
    checkpoints: Path | None,
    chunk_rows: int,
    within: Reported | None,
) -> list[ImportReport]:
    if stream is None:
        stream = should_stream(path for path, _ in targets)
    if stream:
        options = (skip_bad_rows, progress, checkpoints, chunk_rows, within)
        return stream_import(store, targets, *options)
    return _import(store, targets, skip_bad_rows, progress, within)


def _target(path: Path, kind: str | None) -> tuple[Path, str]:
    if kind:
        return path, resolve_kind(kind)
    found = kind_from_filename(path)
    if found is None:
        raise IngestError(f"无法从文件名「{path.name}」判断数据类型，请用 --kind 指定：{choices()}")
    return path, found


def _import(
    store: RecordStore,
    targets: list[tuple[Path, str]],
    skip_bad_rows: bool,
    progress: bool,
    within: Reported | None,
) -> list[ImportReport]:
    checked: list[CheckedFile] = []
    unreadable: list[Problem] = []
    new_enterprises: set[str] = set()
    for path, kind in sorted(targets, key=lambda target: KIND_ORDER.index(target[1])):
        try:
            result = _check_file(store, path, kind, new_enterprises, progress)
        except IngestError as error:
            unreadable += error.problems
            continue
        if kind == "enterprise":
            new_enterprises.update(record.id for record in result.records)
        checked.append(result)
        crash_point("import.read")
    problems = unreadable + [p for result in checked for p in result.problems]
    if unreadable or (problems and not skip_bad_rows):
        raise IngestError(_failure_message(checked, unreadable, problems), problems)
    reports: list[ImportReport] = []

    def written(summaries: list[UpsertSummary]) -> None:
        reports.extend(map(_report, checked, summaries))
        if within is not None:
            within(reports)

    store.upsert_many([(result.kind, result.records) for result in checked], written)
    crash_point("import.published")
    return reports


def _check_file(
    store: RecordStore, path: Path, kind: str, new_enterprises: Set[str], progress: bool
) -> CheckedFile:
    """Validate one file; needs and offers may cite stored enterprises and those of `new`."""
    if kind not in REFERENCING_KINDS:
        return _read_checked(path, kind, None, progress)
    return check_citations(
        lambda known: _read_checked(path, kind, known, progress), store, new_enterprises
    )


def _read_checked(
    path: Path, kind: str, known: Container[str] | None, progress: bool
) -> CheckedFile:
    with open_table(path) as table:
        if table.columns is not None:
            check_header(str(path), kind, table.columns)
        rows: Iterable[Row] = table.rows
        if progress:
            label = f"校验 {path.name}（{KIND_LABELS[kind]}）"
            rows = tqdm(rows, desc=label, unit="行", leave=False, disable=None, mininterval=0.5)
        return check_rows(str(path), kind, rows, known)


def _report(result: CheckedFile, summary: UpsertSummary) -> ImportReport:
    return ImportReport(
        file=result.file,
        kind=result.kind,
        rows=result.rows,
        added=summary.added,
        updated=summary.updated,
        unchanged=summary.unchanged,
        skipped=result.bad_rows,
        problems=result.problems,
    )


def _failure_message(
    checked: list[CheckedFile], unreadable: list[Problem], problems: list[Problem]
) -> str:
    parts = []
    parts += [f"无法读取「{Path(p.file).name}」：{p.reason}" for p in unreadable]
    bad = [result for result in checked if result.problems]
    if bad:
        rows = sum(result.bad_rows for result in bad)
        total = sum(result.rows for result in bad)
        names = "、".join(f"「{Path(result.file).name}」" for result in bad)
        parts.append(f"{names}共 {total} 行中有 {rows} 行数据有问题")
    hint = "" if unreadable else "；修正后重新导入，或加 --skip-bad-rows 只导入正确的行"
    return f"导入失败，未写入任何数据：{'；'.join(parts)}（共 {len(problems)} 个问题）{hint}"
