"""The generator on a small world: valid records, scale, integrity, determinism, eval sets."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from matcher.errors import MatcherError
from matcher.synth import generate as generate_module
from matcher.synth.generate import generate, record_line, scale
from matcher.synth.phrases import money_forms
from matcher.types import MODELS, RECORD_KINDS, TIERS

SMALL = 300
ID_PATTERNS = {
    "enterprise": r"E\d{7}",
    "need": r"N\d{7}",
    "tech_result": r"T\d{6}",
    "finance_product": r"F\d{5}",
    "policy": r"P\d{5}",
    "offer": r"O\d{7}",
}


def load(folder: Path, kind: str) -> list:
    model = MODELS[kind]
    with (folder / f"{kind}.jsonl").open(encoding="utf-8") as handle:
        return [model.model_validate_json(line) for line in handle]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    folder = tmp_path_factory.mktemp("small")
    return folder, generate(folder, enterprises=SMALL, progress=False)


@pytest.fixture(scope="module")
def records(small: tuple[Path, dict[str, int]]) -> dict[str, list]:
    folder, _ = small
    return {kind: load(folder, kind) for kind in RECORD_KINDS}


def test_counts_follow_the_scale_rule(small: tuple[Path, dict[str, int]], records: dict) -> None:
    _, counts = small
    assert counts == scale(SMALL)
    assert {kind: len(rows) for kind, rows in records.items()} == counts
    assert counts["need"] == 450 and counts["offer"] >= 150
    assert counts["finance_product"] >= 100 and counts["policy"] >= 300


def test_scale_caps_and_floors() -> None:
    big = scale(1_000_000)
    assert big["need"] == 1_500_000 and big["offer"] >= 500_000
    assert big["tech_result"] == 100_000
    assert big["finance_product"] == 10_000 and big["policy"] == 10_000
    default = scale(2000)
    assert default["tech_result"] == 1000 and default["finance_product"] >= 100
    assert default["policy"] >= 300 and default["offer"] >= 1000


def test_every_line_is_the_canonical_dump_of_a_valid_record(small: tuple[Path, dict]) -> None:
    folder, _ = small
    for kind in RECORD_KINDS:
        model = MODELS[kind]
        for line in (folder / f"{kind}.jsonl").read_text(encoding="utf-8").splitlines():
            assert record_line(model.model_validate_json(line)) == line


def test_ids_are_unique_and_well_formed(records: dict) -> None:
    for kind, rows in records.items():
        ids = [r.id for r in rows]
        assert len(set(ids)) == len(ids), kind
        assert all(re.fullmatch(ID_PATTERNS[kind], i) for i in ids), kind


def test_enterprise_names_and_credit_codes_are_unique(records: dict) -> None:
    enterprises = records["enterprise"]
    assert len({e.name for e in enterprises}) == len(enterprises)
    assert len({e.credit_code for e in enterprises}) == len(enterprises)
    assert all(e.name.endswith("公司") for e in enterprises)


def test_needs_and_offers_point_to_existing_enterprises(records: dict) -> None:
    known = {e.id for e in records["enterprise"]}
    assert all(n.enterprise_id in known for n in records["need"])
    assert all(o.enterprise_id in known for o in records["offer"])


def test_finance_needs_have_amount_and_term_others_do_not(records: dict) -> None:
    kinds = Counter(n.kind for n in records["need"])
    assert set(kinds) == {"tech", "finance", "partner"}
    for need in records["need"]:
        assert (need.amount is None) == (need.term_months is None), need.id
        if need.kind != "finance":
            assert need.amount is None, need.id
    finance = [n for n in records["need"] if n.kind == "finance"]
    empty = sum(n.amount is None for n in finance) / len(finance)
    assert 0.1 <= empty <= 0.3  # as in real imports, some amounts / terms live only in the text
    assert any(n.deadline for n in records["need"]) and not all(n.deadline for n in records["need"])


def test_finance_need_text_states_its_amount(records: dict) -> None:
    finance = [n for n in records["need"] if n.kind == "finance"]
    for need in finance:
        if need.amount is not None:
            assert any(form in need.text for form in money_forms(need.amount)), need.text
        else:
            assert re.search(r"[万亿]|\d元", need.text), need.text
    # numbers are written both ways: 「500万元」 and 「五百万」
    assert any(any(d in n.text for d in "0123456789") and "万" in n.text for n in finance)
    assert any(
        any(d in n.text for d in "一二两三四五六七八九十") and "万" in n.text for n in finance
    )


def test_tiers_follow_the_ladders_and_show_in_descriptions(records: dict) -> None:
    growth = {"雏鹰", "瞪羚", "隐形独角兽", "独角兽"}
    for e in records["enterprise"]:
        assert e.tiers == sorted(e.tiers, key=TIERS.index)
        if "小巨人" in e.tiers:
            assert "专精特新" in e.tiers and "小巨人" in e.description
        if "专精特新" in e.tiers:
            assert "创新型中小企业" in e.tiers
        assert len(growth.intersection(e.tiers)) <= 1
        if not e.tiers:
            assert not any(word in e.description for word in ("小巨人", "瞪羚", "独角兽", "雏鹰"))


def test_product_and_policy_rules_are_present(records: dict) -> None:
    assert all(p.rules for p in records["finance_product"])
    assert all(p.amount_min <= p.amount_max for p in records["finance_product"])
    assert all(p.rules for p in records["policy"])
    fields = {rule.field for p in records["policy"] for rule in p.rules}
    assert {"tiers", "chain", "district", "size", "whitelist", "age_years"} <= fields


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(first, enterprises=120, seed=5, progress=False)
    generate(second, enterprises=120, seed=5, progress=False)
    generate(other, enterprises=120, seed=6, progress=False)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert len(files) == 6 + 6
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    for kind in RECORD_KINDS:
        assert (first / f"{kind}.jsonl").read_bytes() != (other / f"{kind}.jsonl").read_bytes()


def test_eval_sets_are_consistent_with_the_records(small: tuple[Path, dict], records: dict) -> None:
    folder, _ = small
    for name, query_kind, corpus_records in (
        ("tech-need", "tech", records["tech_result"]),
        ("partner-need", "partner", records["offer"]),
    ):
        base = folder / "eval" / name
        queries = [json.loads(line) for line in (base / "queries.jsonl").open(encoding="utf-8")]
        corpus = [json.loads(line) for line in (base / "corpus.jsonl").open(encoding="utf-8")]
        needs = {n.id: n for n in records["need"]}
        assert all(
            needs[q["id"]].kind == query_kind and needs[q["id"]].text == q["text"] for q in queries
        )
        assert [d["id"] for d in corpus] == [r.id for r in corpus_records]
        if name == "tech-need":
            assert all(
                d["text"] == r.embed_text() for d, r in zip(corpus, corpus_records, strict=True)
            )
        rows = [
            line.split("\t")
            for line in (base / "qrels.tsv").read_text(encoding="utf-8").splitlines()
        ]
        assert all(len(row) == 3 and row[2] == "1" for row in rows)
        judged = {row[0] for row in rows}
        assert judged == {q["id"] for q in queries}
        assert {row[1] for row in rows} <= {d["id"] for d in corpus}
        assert len(queries) >= 0.8 * sum(n.kind == query_kind for n in records["need"])


def test_eval_sets_are_skipped_and_removed_above_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(tmp_path, enterprises=60, progress=False)
    assert (tmp_path / "eval" / "tech-need" / "qrels.tsv").exists()
    monkeypatch.setattr(generate_module, "EVAL_MAX_ENTERPRISES", 50)
    generate(tmp_path, enterprises=60, progress=False)
    assert not (tmp_path / "eval" / "tech-need").exists()
    assert not (tmp_path / "eval" / "partner-need").exists()


def test_rejects_a_non_positive_scale(tmp_path: Path) -> None:
    with pytest.raises(MatcherError, match="企业数量"):
        generate(tmp_path, enterprises=0, progress=False)
