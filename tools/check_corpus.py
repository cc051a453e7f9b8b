"""Validate corpus front matter against corpora/schema.json (used while writing the corpus)."""
import json, sys, pathlib, yaml, jsonschema
root = pathlib.Path(__file__).resolve().parents[1] / "corpora"
schema = json.loads((root / "schema.json").read_text())
SECTIONS = ["受理条件", "申请材料", "办理流程", "办理时限", "收费标准", "办理地点/渠道", "咨询电话", "设定依据"]
ids, bad = {}, 0
for p in sorted(root.rglob("*.md")):
    text = p.read_text(encoding="utf-8")
    try:
        _, fm, body = text.split("---\n", 2)
        meta = json.loads(json.dumps(yaml.safe_load(fm), default=str))
        jsonschema.validate(meta, schema, format_checker=jsonschema.FormatChecker())
        assert meta["id"] == p.stem, f"id {meta['id']} != file name {p.stem}"
        assert meta["id"] not in ids, f"duplicate id, also in {ids.get(meta['id'])}"
        ids[meta["id"]] = p
        if meta["doc_type"] == "service_guide":
            heads = [l[3:].strip() for l in body.splitlines() if l.startswith("## ")]
            missing = [s for s in SECTIONS if s not in heads]
            assert not missing, f"missing sections {missing}"
    except Exception as e:
        bad += 1
        print(f"{p.relative_to(root)}: {e}")
print(f"{len(ids)} ok, {bad} bad")
sys.exit(1 if bad else 0)
