"""Key management through the API, and the audit trail of every kind of action."""

from __future__ import annotations

from tests.service.test_crud import BODIES


def test_created_key_is_shown_once_and_works(sqlite_service):
    service = sqlite_service
    body = {"role": "enterprise", "scope_id": "E3", "name": "瑞视智能"}
    created = service.request("admin", "POST", "/api/keys", json=body)
    assert created.status_code == 201
    key = created.json()
    assert key["key"].startswith("mk_") and key["prefix"] == key["key"][:8]
    listed = service.request("admin", "GET", "/api/keys").json()
    mine = next(item for item in listed if item["id"] == key["id"])
    assert "key" not in mine and mine["scope_id"] == "E3" and mine["revoked_at"] is None
    me = service.client.get("/api/me", headers={"X-API-Key": key["key"]}).json()
    assert (me["role"], me["scope_id"], me["name"]) == ("enterprise", "E3", "瑞视智能")

    assert service.request("admin", "DELETE", f"/api/keys/{key['id']}").status_code == 204
    assert service.client.get("/api/me", headers={"X-API-Key": key["key"]}).status_code == 401
    listed = service.request("admin", "GET", "/api/keys").json()
    assert next(item for item in listed if item["id"] == key["id"])["revoked_at"] is not None
    assert service.request("admin", "DELETE", f"/api/keys/{key['id']}").status_code == 404


def test_admin_and_organiser_keys_take_no_scope(sqlite_service):
    body = {"role": "organiser", "scope_id": "E1", "name": "带范围的组织方"}
    response = sqlite_service.request("admin", "POST", "/api/keys", json=body)
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "scope_id"


def test_audit_log_records_who_did_what(sqlite_service):
    service = sqlite_service
    admin_id = service.request("admin", "GET", "/api/me").json()["id"]
    e1_id = service.request("e1", "GET", "/api/me").json()["id"]
    need = service.request("e1", "POST", "/api/needs", json=BODIES["needs"]).json()
    service.request("organiser", "PUT", f"/api/needs/{need['id']}", json={"amount": 60})
    service.request("e1", "DELETE", f"/api/needs/{need['id']}")
    csv = "id,enterprise_id,text\nO80,E4,钣金折弯加工\n".encode()
    service.request("admin", "POST", "/api/import?wait=true", files={"file": ("offers.csv", csv)})
    service.request("admin", "GET", "/api/export/offer")
    service.request("admin", "POST", "/api/indexes/rebuild?wait=true",
                    json={"kinds": ["policy"], "full": True})  # fmt: skip
    key = service.request("admin", "POST", "/api/keys", json={"role": "organiser",
                                                              "name": "临时"}).json()  # fmt: skip
    service.request("admin", "DELETE", f"/api/keys/{key['id']}")

    entries = service.request("admin", "GET", "/api/audit?limit=200").json()
    about_need = [(e["action"], e["actor_key_id"]) for e in entries if e["record_id"] == need["id"]]
    organiser_id = service.request("organiser", "GET", "/api/me").json()["id"]
    assert about_need == [("delete", e1_id), ("update", organiser_id), ("create", e1_id)]
    latest = [(e["action"], e["kind"], e["actor_key_id"]) for e in entries[:5]]
    assert latest == [
        ("key_revoke", "api_key", admin_id),
        ("key_create", "api_key", admin_id),
        ("rebuild", "policy", admin_id),
        ("export", "offer", admin_id),
        ("import", "offer", admin_id),
    ]
    assert entries[4]["detail"].startswith("offers.csv：1 行，新增 1")
    assert service.request("admin", "GET", "/api/audit?limit=1&offset=1").json() == entries[1:2]


def test_rebuild_reports_what_it_did(sqlite_service):
    body = {"kinds": ["enterprise", "offer"]}
    summaries = sqlite_service.request(
        "organiser", "POST", "/api/indexes/rebuild?wait=true", json=body
    )
    assert [(s["kind"], s["mode"], s["embedded"]) for s in summaries.json()] == [
        ("enterprise", "unchanged", 0),
        ("offer", "unchanged", 0),
    ]
    body = {"kinds": ["offer"], "full": True}
    full = sqlite_service.request(
        "organiser", "POST", "/api/indexes/rebuild?wait=true", json=body
    ).json()
    assert full[0]["mode"] == "full" and full[0]["cached"] == full[0]["count"]  # no re-embedding
