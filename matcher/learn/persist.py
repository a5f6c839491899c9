"""Saving and loading learned rankers: `<workspace>/models/ranker-<version>.joblib` + manifest.

The manifest (`ranker-<version>.json`) names the format, the version, when it was made,
the model kind, its features in column order, how many labels it was trained on and its
evaluation. The model is written first and the manifest last, both atomically, so a
manifest always points at a complete model. `load_ranker` picks what the workspace's
`ranker` setting asks for and falls back to the baseline, with a logged reason, whenever
the learned model cannot be used.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

import joblib

from matcher.atomic import atomic_path, write_text_atomic
from matcher.errors import MatcherError
from matcher.learn.ranker import LearnedRanker
from matcher.rank import BaselineRanker, Ranker
from matcher.workspace import Workspace

FORMAT = 1
MODELS_DIR = "models"
DEFAULT_MIN_LABELS = 200
log = logging.getLogger(__name__)


def models_dir(workspace: Workspace) -> Path:
    return workspace.root / MODELS_DIR


def _new_version(folder: Path, now: datetime) -> str:
    base = now.strftime("%Y%m%d-%H%M%S")
    version, n = base, 1
    while (folder / f"ranker-{version}.json").exists():
        n += 1
        version = f"{base}-{n}"
    return version


def save_ranker(
    workspace: Workspace,
    ranker: LearnedRanker,
    metrics: Any = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Save a fitted ranker and its manifest; returns the manifest."""
    folder = models_dir(workspace)
    folder.mkdir(parents=True, exist_ok=True)
    now = (now or datetime.now()).replace(microsecond=0)
    version = _new_version(folder, now)
    model_file = f"ranker-{version}.joblib"
    with atomic_path(folder / model_file) as tmp:
        joblib.dump(ranker, tmp)
    manifest = {
        "format": FORMAT,
        "version": version,
        "created": now.isoformat(),
        "model": ranker.model,
        "file": model_file,
        "features": list(ranker.features_),
        "labels": ranker.n_labels_,
        "positives": ranker.n_positive_,
        "metrics": metrics,
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    write_text_atomic(folder / f"ranker-{version}.json", text)
    return manifest


def manifests(workspace: Workspace) -> list[dict[str, Any]]:
    """Every saved ranker's manifest, oldest first (unreadable ones are skipped)."""
    found = []
    for path in sorted(models_dir(workspace).glob("ranker-*.json")):
        try:
            found.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            log.warning("跳过无法读取的模型清单 %s", path)
    return sorted(found, key=lambda m: (str(m.get("created")), str(m.get("version"))))


def load_model(workspace: Workspace, manifest: dict[str, Any]) -> LearnedRanker:
    """The ranker a manifest describes, checked against it (format, features)."""
    if manifest.get("format") != FORMAT:
        raise MatcherError(f"模型 {manifest.get('version')} 的格式版本不受支持，请重新训练")
    path = models_dir(workspace) / str(manifest["file"])
    try:
        ranker = joblib.load(path)
    except Exception as error:  # a missing, truncated or foreign file
        raise MatcherError(f"无法读取模型文件 {path}：{error}") from error
    if not isinstance(ranker, LearnedRanker) or list(ranker.features_) != manifest["features"]:
        raise MatcherError(f"模型文件 {path} 与其清单不一致，请重新训练")
    return ranker


def load_ranker(workspace: Workspace, min_labels: int = DEFAULT_MIN_LABELS) -> Ranker:
    """The learned ranker when the `ranker` setting asks for it and the newest saved model was
    trained on at least `min_labels` labels and loads cleanly; else the baseline (logged)."""
    if workspace.settings.ranker != "learned":
        return BaselineRanker()
    saved = manifests(workspace)
    if not saved:
        log.warning("设置为 learned，但工作区中没有训练好的排序模型，改用基线排序")
        return BaselineRanker()
    newest = saved[-1]
    if int(newest.get("labels", 0)) < min_labels:
        log.warning("排序模型 %s 只有 %s 条标注（少于 %d），改用基线排序",
                    newest.get("version"), newest.get("labels"), min_labels)  # fmt: skip
        return BaselineRanker()
    try:
        return load_model(workspace, newest)
    except MatcherError as error:
        log.warning("%s；改用基线排序", error)
        return BaselineRanker()
