"""Startup: migrations, seeding an empty database, and rebuilding exactly the indexes that
diverged from the database (changed behind the service's back, deleted, corrupt)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from matcher.index.builder import DENSE, channel_dir
from matcher.types import Policy
from service.main import create_app
from storage.db import make_engine
from storage.records import SqlRecordStore
from tests.service.conftest import WORLD, load_world, settings_for
from tests.small_world import TODAY


def sqlite_url(root: Path) -> str:
    return f"sqlite:///{root / 'matcher.db'}"


def rebuilds(app) -> list[str]:
    """The kinds of the audited index rebuilds, newest first."""
    return [e.kind for e in app.state.service.audit.list(limit=200) if e.action == "rebuild"]


def test_restart_rebuilds_only_what_diverged(tmp_path):
    url = sqlite_url(tmp_path)
    load_world(url, None)
    settings = settings_for(url, None, tmp_path / "data")
    first = create_app(settings, progress=False)
    assert sorted(rebuilds(first)) == sorted(WORLD)  # nothing was indexed yet
    first.state.service.close()

    engine = make_engine(url)
    new_policy = Policy(id="P-new", issuer="青岛市财政局", title="海洋牧场建设补助",
                        text="支持海洋牧场建设。", benefit="最高200万元",
                        valid_from=TODAY)  # fmt: skip
    SqlRecordStore(engine).upsert("policy", [new_policy])  # the database moves on
    engine.dispose()
    shutil.rmtree(tmp_path / "data" / "indexes" / "offer")  # an index folder is lost
    dense = channel_dir(first.state.service.workspace, "need", DENSE)
    manifest = json.loads((dense / "manifest.json").read_text())
    victim = dense / next(name for name in manifest["files"] if name != "hashes.json")
    victim.write_bytes(b"corrupt")  # an index file is damaged

    second = create_app(settings, progress=False)
    state = second.state.service
    new = rebuilds(second)[: -len(WORLD)]
    assert sorted(new) == ["need", "offer", "policy"]  # the three that diverged, no other
    assert {row["status"] for row in state.index_status()} == {"fresh"}
    admin = state.keys.create("admin", None, "管理员")[1]
    with TestClient(second) as client:
        assert client.get("/readyz").status_code == 200
        results = client.get("/api/enterprises/E2/policies", headers={"X-API-Key": admin}).json()
        assert "P-new" in [r["id"] for r in results]


def write_sample(folder: Path) -> Path:
    """The small world as a sample folder of JSONL files."""
    folder.mkdir()
    for kind, records in WORLD.items():
        lines = [json.dumps(r.model_dump(mode="json"), ensure_ascii=False) for r in records]
        (folder / f"{kind}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_seed_sample_fills_an_empty_database_once(tmp_path):
    sample = write_sample(tmp_path / "sample")
    settings = settings_for(
        sqlite_url(tmp_path), None, tmp_path / "data", seed_sample=True, sample_dir=sample
    )
    app = create_app(settings, progress=False)
    state = app.state.service
    assert {kind: state.store.count(kind) for kind in WORLD} == {
        kind: len(records) for kind, records in WORLD.items()
    }
    imports = [e for e in state.audit.list(limit=100) if e.action == "import"]
    assert len(imports) == len(WORLD) and all(e.actor_key_id is None for e in imports)
    assert {row["status"] for row in state.index_status()} == {"fresh"}
    state.remove("offer", ["O3"], actor=None)
    state.close()

    again = create_app(settings, progress=False).state.service
    assert again.store.count("offer") == len(WORLD["offer"]) - 1  # not seeded a second time
    assert again.store.count("need") == len(WORLD["need"])
    again.store.delete("need", ["N1"])
    again.close()

    # A seeding that died midway (the marker stays) is completed at the next start.
    (tmp_path / "data" / "seeding").touch()
    healed = create_app(settings, progress=False).state.service
    assert healed.store.count("need") == len(WORLD["need"])
    assert not (tmp_path / "data" / "seeding").exists()
    assert {row["status"] for row in healed.index_status()} == {"fresh"}
    healed.close()


def test_default_sample_dir_is_the_shipped_sample():
    from service.settings import ServiceSettings

    sample = ServiceSettings().sample_dir
    assert (sample / "enterprise.jsonl").is_file() and sample.parent.name == "data"
