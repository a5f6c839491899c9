"""The hostile-file corpus through the upload routes of a running service, on SQLite and
PostgreSQL: every file refused with a 4xx JSON error naming it (never a 500 or a traceback),
nothing stored changed (records, events, audit); the same size limit on every upload route,
API and web. About 40 s in all on two cores.

The counts (tried / crashed / changed / unnamed per route) are printed; `-s` shows them.
"""

from __future__ import annotations

import pytest

from matcher.types import RECORD_KINDS
from service.uploads import safe_name
from tests.ingest.hostile_corpus import Hostile, corpus, name_files
from tests.service.job_helpers import finished

EVENT = "EV-hostile"
# How a browser (and httpx) writes a file name into a multipart body (HTML5 form encoding).
_SENT = {ord('"'): "%22", **{c: f"%{c:02X}" for c in range(0x20) if c != 0x1B}}
EVENT_BODY = {"id": EVENT, "name": "对接会", "date": "2026-12-03", "slots": 2, "tables": 2}


@pytest.fixture(scope="module")
def files() -> list[Hostile]:
    return corpus()


@pytest.fixture(scope="module")
def event(service) -> str:
    response = service.request("organiser", "POST", "/api/events", json=EVENT_BODY)
    assert response.status_code == 201, response.text
    return EVENT


def stored(service) -> tuple:
    """Everything an upload could change: records of every kind, events, the audit log."""
    state = service.state
    records = {k: {i: r.model_dump() for i, r in state.store.load(k).items()} for k in RECORD_KINDS}
    events = [plan.model_dump() for plan in state.events.list()]
    return records, events, [entry.id for entry in state.audit.list(limit=1)]


def shown_name(name: str) -> str:
    """The name the service shows for an upload the client named `name`."""
    return safe_name(name.translate(_SENT))


def _run(service, files: list[Hostile], url: str, kind: bool = False) -> dict[str, list]:
    """Upload every file to `url` (with its `kind`); what crashed, changed, or was refused
    without naming the file."""
    before = stored(service)
    found: dict[str, list] = {"crashed": [], "changed": [], "unnamed": []}
    for file in files:
        data = {"kind": file.kind} if kind else {}
        response = service.request(
            "organiser", "POST", url, files={"file": (file.name, file.data)}, data=data
        )
        body = response.json() if "json" in response.headers.get("content-type", "") else {}
        if not 400 <= response.status_code < 500 or "Traceback" in response.text or not body:
            found["crashed"].append(
                (file.name, file.why, response.status_code, response.text[:300])
            )
            continue
        if shown_name(file.name) not in body.get("message", "") + str(body.get("details", "")):
            found["unnamed"].append((file.name, body.get("message", "")[:200]))
        if stored(service) != before:
            found["changed"].append(file.name)
            before = stored(service)
    print(f"\n{service.backend} {url}: tried {len(files)}, "
          + ", ".join(f"{k} {len(v)}" for k, v in found.items()))  # fmt: skip
    return found


def test_the_import_route_refuses_every_hostile_file(service, files):
    found = _run(service, files, "/api/import?wait=true", kind=True)
    assert found == {"crashed": [], "changed": [], "unnamed": []}


def test_the_participant_and_followup_uploads_refuse_hostile_files(service, files, event):
    # They read files with the same readers as the import route: a third of the corpus (every
    # kind of file) and every hostile name keep this under ten seconds per backend.
    chosen = files[::3] + [f for f in name_files() if f not in files[::3]]
    for url in (f"/api/events/{event}/participants/upload", f"/api/events/{event}/followup"):
        found = _run(service, chosen, url)
        assert found["crashed"] == [] and found["changed"] == [], url
        assert found["unnamed"] == [], url


def test_the_web_import_form_fails_the_job_naming_the_file(service, files):
    if service.backend != "sqlite":
        pytest.skip("the web form hands the file to the same import job as the API (above)")
    chosen = [f for f in files if f.suffix in (".xlsx", ".jsonl")][::4]
    chosen += [f for f in files if "/" in f.name or "\\" in f.name or "\x00" in f.name]
    before = stored(service)
    for file in chosen:
        response = service.client.post(
            "/import", headers=service.browser("organiser"), follow_redirects=False,
            files={"file": (file.name, file.data)}, data={"kind": file.kind},
        )  # fmt: skip
        assert response.status_code == 303, (file.name, response.status_code, response.text[:300])
        job = finished(service.state, response.headers["location"].rsplit("/", 1)[-1])
        assert job.status == "failed" and shown_name(file.name) in (job.error or ""), file.name
        page = service.client.get(
            response.headers["location"], headers=service.browser("organiser")
        )
        assert page.status_code == 200 and "Traceback" not in page.text
    assert stored(service) == before


def test_every_upload_route_has_the_same_size_limit(service, event):
    """Just past the limit: refused while copying (the file named); far past it: refused
    before the body is read. The web pages answer in HTML, the API in JSON."""
    just_past = b"id,enterprise_id,kind,text\nN1,E1,tech," + b"x" * (1 << 20) + b"\n"
    far_past = just_past * 3
    settings = service.state.settings
    limit, settings.upload_max_mb = settings.upload_max_mb, 1
    before = stored(service)
    api = ["/api/import?wait=true", "/api/import", f"/api/events/{event}/participants/upload",
           f"/api/events/{event}/followup"]  # fmt: skip
    web = ["/import", f"/events/{event}/participants/upload", f"/events/{event}/followup"]
    try:
        for url, body in ((u, b) for u in api + web for b in (just_past, far_past)):
            headers = service.browser("organiser") if url in web else service.headers("organiser")
            response = service.client.post(
                url, headers=headers, follow_redirects=False,
                files={"file": ("needs.csv", body)}, data={"kind": "need"},
            )  # fmt: skip
            assert response.status_code == 413, (url, len(body), response.text[:300])
            text = response.text if url in web else response.json()["message"]
            named = "上传文件「needs.csv」" if body is just_past else "上传内容"
            assert f"{named}超过 1 MB 的上限" in text, (url, text[:300])
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    finally:
        settings.upload_max_mb = limit
    assert stored(service) == before
