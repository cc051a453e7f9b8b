"""Rules as data: agents/rules/*.yaml tables, every row with its source, applied with a trace.

A row is `{id, match, value, unit?, status?, source: {doc, article}}`; `doc` names an entry of
the file's `sources` (title, corpus doc_id, status). A row without a source does not load.
Rows whose status is R (recollection) load, so the trace can show them, but are never applied.

Example:
    book = RuleBook.load("noise")
    limit = book.lookup("limits", trace, standard="gb3096", zone_class="1", period="night")
    limit.value  # 45, and trace.rules now holds the row with its source
"""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from agents.errors import RuleError

RULES_DIR = Path(__file__).resolve().parent / "rules"
APPLIED_STATUSES = ("L", "P", "internal")


@dataclass(frozen=True)
class Rule:
    id: str
    table: str
    match: dict
    value: Any
    unit: str | None
    document: str
    doc_id: str | None
    article: str
    status: str

    @property
    def applied(self) -> bool:
        return self.status in APPLIED_STATUSES

    def cite(self) -> dict:
        """The row as the trace shows it."""
        return {"id": self.id, "table": self.table, "value": self.value, "unit": self.unit,
                "source": self.document, "article": self.article, "status": self.status,
                "doc_id": self.doc_id}


@dataclass
class Trace:
    """What a step of a run did: steps taken, rules fired, sources used, and notes (fallbacks,
    unverified facts). Each graph node records into a fresh one and returns `to_dict()`,
    whose keys are the graph's trace channels; their reducers join the steps' records into
    the run's trace (agents/graph.py), so no record is shared between nodes or runs."""

    rules: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def fire(self, rule: "Rule") -> None:
        if not any(r["id"] == rule.id for r in self.rules):
            self.rules.append(rule.cite())

    def to_dict(self) -> dict[str, list]:
        return {"steps": self.steps, "rules_fired": self.rules, "sources": self.sources,
                "notes": self.notes}


def join_fired(fired: list[dict], more: list[dict]) -> list[dict]:
    """The rules fired so far plus those of a later step; a rule is listed once, where it
    first fired (the reducer of the `rules_fired` channel)."""
    seen = {r["id"] for r in fired}
    out = list(fired)
    for rule in more:
        if rule["id"] not in seen:
            seen.add(rule["id"])
            out.append(rule)
    return out


class RuleBook:
    """The tables of one agent's rules file."""

    def __init__(self, name: str, sources: dict, tables: dict[str, list[Rule]]):
        self.name, self.sources, self.tables = name, sources, tables

    @classmethod
    def parse(cls, name: str, data: dict) -> "RuleBook":
        sources = data.get("sources") or {}
        for key, src in sources.items():
            if not src.get("title") or src.get("status") not in (*APPLIED_STATUSES, "R"):
                raise RuleError(f"{name}: source {key!r} needs a title and a status (L, P, internal, R)")
        tables: dict[str, list[Rule]] = {}
        for table, rows in (data.get("tables") or {}).items():
            tables[table] = []
            for row in rows:
                src = row.get("source") or {}
                where = f"{name}.{table}.{row.get('id', '?')}"
                if not row.get("id") or "value" not in row:
                    raise RuleError(f"{where}: a row needs an id and a value")
                if not src.get("doc") or not str(src.get("article") or "").strip():
                    raise RuleError(f"{where}: the row has no source document and article")
                if src["doc"] not in sources:
                    raise RuleError(f"{where}: unknown source {src['doc']!r}")
                doc = sources[src["doc"]]
                status = row.get("status", doc["status"])
                if status not in (*APPLIED_STATUSES, "R"):
                    raise RuleError(f"{where}: unknown status {status!r}")
                tables[table].append(Rule(row["id"], table, row.get("match") or {}, row["value"],
                                          row.get("unit"), doc["title"], doc.get("doc_id"),
                                          str(src["article"]), status))
        return cls(name, sources, tables)

    @classmethod
    def load(cls, name: str) -> "RuleBook":
        return _load(name)

    def rows(self, table: str) -> list[Rule]:
        if table not in self.tables:
            raise RuleError(f"{self.name}: no table {table!r}")
        return self.tables[table]

    def matching(self, table: str, trace: Trace | None = None, **match) -> list[Rule]:
        """Every applicable row whose `match` keys all equal the given values (a key the row
        does not name matches anything), in file order; none fires. Unverified rows are
        skipped, and the trace says so."""
        out = []
        for rule in self.rows(table):
            if all(match.get(k) == v for k, v in rule.match.items()):
                if not rule.applied:
                    if trace is not None:
                        trace.notes.append(f"规则 {rule.id} 来源未核实（{rule.status}），未适用")
                    continue
                out.append(rule)
        return out

    def find(self, table: str, trace: Trace | None = None, **match) -> Rule | None:
        """The first applicable row whose `match` keys all equal the given values; it fires."""
        for rule in self.rows(table):
            if all(match.get(k) == v for k, v in rule.match.items()):
                if not rule.applied:
                    if trace is not None:
                        trace.notes.append(f"规则 {rule.id} 来源未核实（{rule.status}），未适用")
                    continue
                if trace is not None:
                    trace.fire(rule)
                return rule
        return None

    def get(self, table: str, rule_id: str, trace: Trace | None = None) -> Rule:
        """One row by id (for rows whose match is a range, not equality); it fires."""
        for rule in self.rows(table):
            if rule.id == rule_id:
                if not rule.applied:
                    raise RuleError(f"{self.name}: rule {rule_id} is unverified ({rule.status})")
                if trace is not None:
                    trace.fire(rule)
                return rule
        raise RuleError(f"{self.name}: no rule {rule_id!r} in {table!r}")

    def lookup(self, table: str, trace: Trace | None = None, **match) -> Rule:
        rule = self.find(table, trace, **match)
        if rule is None:
            raise RuleError(f"{self.name}: no applicable row in {table!r} for {match}")
        return rule


@cache
def _load(name: str) -> RuleBook:
    path = RULES_DIR / f"{name}.yaml"
    return RuleBook.parse(name, yaml.safe_load(path.read_text(encoding="utf-8")))


def all_rulebooks() -> list[RuleBook]:
    return [RuleBook.load(p.stem) for p in sorted(RULES_DIR.glob("*.yaml"))]
