"""A workspace: one folder holding settings, records, embedding cache and indexes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from matcher.atomic import remove_stale_temp
from matcher.config import SETTINGS_FILE, Settings, load_settings, save_settings
from matcher.errors import NotFoundError
from matcher.store import JsonlRecordStore, RecordStore

DEFAULT_WORKSPACE = Path(".matcher")


@dataclass
class Workspace:
    """Paths and settings of one workspace; `store` holds its records (JSONL files by default,
    or any `RecordStore`, e.g. the service's SQL database)."""

    root: Path
    settings: Settings
    store: RecordStore = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        if self.store is None:
            self.store = JsonlRecordStore(self.root)

    @property
    def index_dir(self) -> Path:
        return self.root / "indexes"

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"


def init_workspace(root: Path, settings: Settings | None = None) -> Workspace:
    """Create (or reset the settings of) a workspace folder."""
    root = Path(root)
    (root / "records").mkdir(parents=True, exist_ok=True)
    settings = settings or Settings()
    save_settings(root, settings)
    return Workspace(root, settings)


def open_workspace(root: Path) -> Workspace:
    """Open an existing workspace; a clear error when it was never initialised.

    What a killed writer left is dealt with first: its temporary files are removed and a
    publish of records it cut short is finished (`JsonlRecordStore.recover`)."""
    root = Path(root)
    if not (root / SETTINGS_FILE).exists():
        raise NotFoundError(f"工作区「{root}」不存在，请先运行 matcher init --workspace {root}")
    remove_stale_temp(root)
    store = JsonlRecordStore(root)
    store.recover()
    return Workspace(root, load_settings(root), store=store)
