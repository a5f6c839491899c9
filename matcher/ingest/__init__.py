"""Ingest: CSV / JSONL / XLSX files → validated records → RecordStore upsert."""

from matcher.ingest.importer import ImportReport, import_file, import_path, scan_folder
from matcher.ingest.kinds import kind_from_filename, resolve_kind
from matcher.ingest.problems import Problem

__all__ = [
    "ImportReport",
    "Problem",
    "import_file",
    "import_path",
    "kind_from_filename",
    "resolve_kind",
    "scan_folder",
]
