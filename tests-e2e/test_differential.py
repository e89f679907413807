"""Differential SQL suite: the corpus in tests-e2e/differential/*.sql, run on Rewind and on a
private MariaDB server (Debian's mariadb-server, configured like MySQL 8.0; mariadb_server.py),
answer by answer.

Corpus. Each file is one family, run top to bottom in a fresh database ``diff_<family>`` on both
sides (so a failure cannot cascade into another family), one statement per case, over one
persistent connection per side (autocommit on, utf8mb4). A statement ends with a line ending in
``;``; lines starting with ``--`` are comments.

MySQL 8.0 expectations. Where MySQL 8.0 and MariaDB disagree, Rewind follows MySQL 8.0. Such a
statement carries the MySQL 8.0 answer in an annotation line right above it::

    -- @mysql8 {"error": 3140} MySQL's JSON type rejects invalid JSON; MariaDB's JSON is LONGTEXT
    INSERT INTO docs VALUES (6, '{bad json}');

The JSON object is one of ``{"error": CODE}``, ``{"affected": N}`` (optionally ``"insert_id"``)
or ``{"rows": [[...], ...]}`` (optionally ``"columns": [...]``; MariaDB's column names when left
out; values are strings, null, or ``{"hex": "..."}`` for bytes); the rest of the line is the
one-line reason, which is required. tests-e2e/differential/DIFFERENCES.md lists them all; it is
generated (``python tests-e2e/test_differential.py --differences``) and a test checks that it is
current.

Comparison, per case:

- a result set: the column names and the rows, values exactly as the text protocol sends them
  (PyMySQL with no decoders: ``str`` for text, ``bytes`` for the binary character set, ``None``
  for NULL). In order when the statement has a top-level ORDER BY (and for DESCRIBE / SHOW
  COLUMNS / SHOW INDEX / SHOW CREATE), as a multiset otherwise;
- an OK packet: the affected rows, and the last insert id for INSERT / REPLACE (not for
  INSERT ... ON DUPLICATE KEY UPDATE); for ALTER TABLE, CREATE / DROP INDEX, ANALYZE and OPTIMIZE
  only that it is an OK (their affected rows depend on the algorithm the server picks);
- an error: the MySQL error code, not the message.

The figure is the share of cases identical to MariaDB (or to the MySQL 8.0 annotation). The suite
fails when it is below DIFFERENTIAL_MIN_PERCENT, and, whatever the figure, when Rewind crashes,
drops a connection, times out a statement, logs a panic or its HTTP endpoint stops answering
200. Reports: target/e2e/differential.md and target/e2e/differential.json (per family and per
case, with a mismatch kind for each difference, and the most common kinds).

Run alone:
  scripts/test --e2e-only --no-cli --no-pytest --differential
  REWIND_BIN=target/release/rewind .venv/bin/python -m pytest -q tests-e2e/test_differential.py
MariaDB's answers, to review the corpus (no Rewind needed):
  .venv/bin/python tests-e2e/test_differential.py [--only FAMILY...]
Regenerate DIFFERENCES.md:
  .venv/bin/python tests-e2e/test_differential.py --differences
"""

from __future__ import annotations

import collections
import json
import os
import re
import struct
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pymysql
import pymysql.converters

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mariadb_server import MariaDB, MariaDBUnavailable, ensure_installed  # noqa: E402

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "differential"
DIFFERENCES_MD = CORPUS / "DIFFERENCES.md"
REPORT_DIR = HERE.parent / "target" / "e2e"
PASSWORD = "secret123"
ENGINE_VERSION = "8.0.mysql_aurora.3.05.2"

# The pass threshold: the share (in percent) of cases that must be identical to MariaDB or to the
# MySQL 8.0 annotation: the target, 95. Measured 99.8% on 2026-12-04 (89.5% on
# 2026-12-03; the gluesql engine 45.6%).
# DIFFERENTIAL_MIN_PERCENT in the environment overrides it for one run (e.g. =95 to see how far
# a branch is).
DIFFERENTIAL_MIN_PERCENT = 95
MIN_PERCENT = float(os.environ.get("DIFFERENTIAL_MIN_PERCENT", DIFFERENTIAL_MIN_PERCENT))

STATEMENT_TIMEOUT = 10  # seconds, PyMySQL read/write timeout per statement
FAMILY_DEADLINE = 60  # seconds of wall time per family
RUN_DEADLINE = 150  # seconds of wall time for all families together

# values come back as the wire has them: no decoders (encoders stay for SET AUTOCOMMIT)
RAW_CONV = dict(pymysql.converters.encoders)

ANNOTATION = "-- @mysql8"


# ---------------------------------------------------------------------------------------------
# Corpus
# ---------------------------------------------------------------------------------------------


class CorpusError(ValueError):
    pass


@dataclass
class Stmt:
    sql: str
    line: int  # 1-based line of the statement's first line
    expect: dict | None = None  # the MySQL 8.0 answer of an annotation
    reason: str = ""


def families() -> list[Path]:
    return sorted(CORPUS.glob("*.sql"))


def _parse_annotation(text: str, where: str) -> tuple[dict, str]:
    text = text.strip()
    try:
        obj, end = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as e:
        raise CorpusError(f"{where}: annotation is not '{ANNOTATION} {{json}} reason': {e}") from None
    reason = text[end:].strip()
    if not isinstance(obj, dict):
        raise CorpusError(f"{where}: annotation answer must be a JSON object")
    kinds = [k for k in ("error", "affected", "rows") if k in obj]
    if len(kinds) != 1:
        raise CorpusError(f"{where}: annotation needs exactly one of error / affected / rows: {obj}")
    allowed = {"error": {"error"}, "affected": {"affected", "insert_id"}, "rows": {"rows", "columns"}}[kinds[0]]
    if set(obj) - allowed:
        raise CorpusError(f"{where}: unexpected keys {sorted(set(obj) - allowed)} in {obj}")
    if kinds[0] == "rows" and not all(isinstance(r, list) for r in obj["rows"]):
        raise CorpusError(f"{where}: rows must be a list of lists")
    if not reason:
        raise CorpusError(f"{where}: annotation without a reason")
    return obj, reason


def parse_corpus(path: Path) -> list[Stmt]:
    out: list[Stmt] = []
    cur: list[str] = []
    start = 0
    pending: tuple[dict, str, int] | None = None
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        s = line.strip()
        if s.startswith(ANNOTATION):
            where = f"{path.name}:{lineno}"
            if cur:
                raise CorpusError(f"{where}: annotation inside a statement")
            if pending:
                raise CorpusError(f"{where}: two annotations for one statement")
            obj, reason = _parse_annotation(s[len(ANNOTATION) :], where)
            pending = (obj, reason, lineno)
            continue
        if not s or s.startswith("--"):
            continue
        if not cur:
            start = lineno
        cur.append(line.rstrip())
        if s.endswith(";"):
            text = "\n".join(cur).rstrip()[:-1].rstrip()
            st = Stmt(text, start)
            if pending:
                st.expect, st.reason = pending[0], pending[1]
                pending = None
            out.append(st)
            cur = []
    if cur:
        raise CorpusError(f"{path.name}: statement without a final ';': {' '.join(cur)[:80]}")
    if pending:
        raise CorpusError(f"{path.name}:{pending[2]}: annotation after the last statement")
    return out


def key_of(sql: str) -> str:
    return " ".join(sql.split())


_TOKEN = re.compile(
    r"""'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"|`[^`]*`|/\*.*?\*/|--[^\n]*|\#[^\n]*|[()]|\w+|[^\s\w()]""",
    re.S,
)


def words_at_depth0(sql: str) -> list[str]:
    depth = 0
    out = []
    for tok in _TOKEN.findall(sql):
        if tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
        elif depth == 0 and re.fullmatch(r"\w+", tok):
            out.append(tok.upper())
    return out


def is_ordered(sql: str) -> bool:
    w = words_at_depth0(sql)
    if w[:1] in (["DESCRIBE"], ["DESC"], ["EXPLAIN"]):
        return True
    if w[:1] == ["SHOW"] and any(x in w[1:4] for x in ("COLUMNS", "FIELDS", "INDEX", "INDEXES", "KEYS", "CREATE")):
        return True
    # the last top-level ORDER BY orders the result, unless it is ORDER BY NULL
    order = [i for i, (a, b) in enumerate(zip(w, w[1:])) if a == "ORDER" and b == "BY"]
    return bool(order) and w[order[-1] + 2 : order[-1] + 3] != ["NULL"]


def compares_insert_id(sql: str) -> bool:
    w = words_at_depth0(sql)
    if not w or w[0] not in ("INSERT", "REPLACE"):
        return False
    return not any(a == "ON" and b == "DUPLICATE" for a, b in zip(w, w[1:]))


def compares_affected(sql: str) -> bool:
    w = words_at_depth0(sql)
    if not w:
        return True
    if w[0] in ("ALTER", "OPTIMIZE", "ANALYZE"):
        return False
    if w[0] in ("CREATE", "DROP") and ("INDEX" in w[1:4]):
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------


@dataclass
class Answer:
    kind: str  # rows | ok | error | lost (client side: timeout, connection gone) | skipped
    columns: tuple = ()
    rows: tuple = ()
    affected: int | None = None
    insert_id: int | None = None
    code: int | None = None
    message: str = ""
    seconds: float = 0.0

    def to_json(self) -> dict:
        if self.kind == "rows":
            return {"columns": list(self.columns), "rows": [[enc(v) for v in r] for r in self.rows]}
        if self.kind == "ok":
            return {"affected": self.affected, "insert_id": self.insert_id}
        if self.kind == "error":
            return {"error": self.code, "message": self.message}
        return {self.kind: self.message}


def enc(v):
    if isinstance(v, (bytes, bytearray)):
        return {"hex": bytes(v).hex()}
    return v


def dec(v):
    if isinstance(v, dict) and set(v) == {"hex"}:
        return bytes.fromhex(v["hex"])
    return v


def answer_from_expect(d: dict, mariadb: Answer | None) -> Answer:
    if "error" in d:
        return Answer("error", code=int(d["error"]))
    if "rows" in d:
        cols = d.get("columns")
        if cols is None:
            cols = mariadb.columns if mariadb is not None and mariadb.kind == "rows" else ("?",)
        return Answer("rows", columns=tuple(cols), rows=tuple(tuple(dec(v) for v in r) for r in d["rows"]))
    return Answer("ok", affected=d["affected"], insert_id=d.get("insert_id"))


def execute(conn: pymysql.Connection, sql: str) -> Answer:
    t0 = time.monotonic()
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            if cur.description:
                cols = tuple(d[0] for d in cur.description)
                rows = tuple(tuple(r) for r in cur.fetchall())
                a = Answer("rows", columns=cols, rows=rows)
            else:
                a = Answer("ok", affected=cur.rowcount, insert_id=cur.lastrowid)
    except pymysql.err.MySQLError as e:
        code = e.args[0] if e.args and isinstance(e.args[0], int) else None
        msg = str(e.args[1]) if len(e.args) > 1 else str(e)
        if code is None or 2000 <= code < 3000:  # client errors: timeout, lost connection
            a = Answer("lost", code=code, message=msg)
        else:
            a = Answer("error", code=code, message=msg)
    except (OSError, EOFError, AssertionError, IndexError, ValueError, struct.error) as e:
        a = Answer("lost", message=f"{type(e).__name__}: {e}")
    a.seconds = time.monotonic() - t0
    return a


def _sort_key(row: tuple):
    return tuple((0, "") if v is None else (1, v) if isinstance(v, str) else (2, bytes(v).hex()) for v in row)


def same(sql: str, want: Answer, got: Answer) -> bool:
    if want.kind != got.kind:
        return False
    if want.kind == "rows":
        if want.columns != got.columns:
            return False
        if is_ordered(sql):
            return want.rows == got.rows
        return sorted(want.rows, key=_sort_key) == sorted(got.rows, key=_sort_key)
    if want.kind == "ok":
        if not compares_affected(sql):
            return True
        if want.affected != got.affected:
            return False
        return not compares_insert_id(sql) or want.insert_id == got.insert_id
    if want.kind == "error":
        return want.code == got.code
    return False


def show(a: Answer | None, sql: str = "", limit_rows: int = 12, limit_chars: int = 600) -> str:
    if a is None:
        return "(not run)"

    def val(v):
        if v is None:
            return "NULL"
        if isinstance(v, (bytes, bytearray)):
            return "x'" + bytes(v).hex() + "'"
        return json.dumps(v, ensure_ascii=False)

    if a.kind == "rows":
        head = "columns " + ", ".join(a.columns)
        body = ["(" + ", ".join(val(v) for v in r) + ")" for r in a.rows[:limit_rows]]
        if len(a.rows) > limit_rows:
            body.append(f"... {len(a.rows)} rows")
        s = f"{head}; {len(a.rows)} row(s): " + " ".join(body) if a.rows else f"{head}; no rows"
    elif a.kind == "ok":
        s = f"OK, {a.affected} affected"
        if sql and compares_insert_id(sql):
            s += f", insert id {a.insert_id}"
    elif a.kind == "error":
        s = f"error {a.code}" + (f" ({a.message})" if a.message else "")
    else:
        s = f"{a.kind}: {a.message}"
    return s if len(s) <= limit_chars else s[:limit_chars] + " ..."


def _msg_head(msg: str, n: int = 70) -> str:
    """An error message reduced to what identifies its kind: numbers and long quotes elided."""
    m = re.sub(r"\d+", "N", msg.strip().splitlines()[0] if msg.strip() else "")
    m = re.sub(r"check the manual that corresponds to your MySQL server version for the right syntax to use ", "", m)
    return m[:n]


def mismatch_kind(sql: str, want: Answer, got: Answer) -> str:
    """A short label for how Rewind's answer differs, to group differences by kind."""
    first = (words_at_depth0(sql) or ["?"])[0]
    if got.kind == "lost":
        return "connection lost or statement timed out"
    if got.kind == "skipped":
        return "not run (deadline)"
    if got.kind == "error" and want.kind != "error":
        return f"error {got.code} on a statement MySQL 8 runs ({first}): {_msg_head(got.message)}"
    if want.kind == "error" and got.kind != "error":
        return f"accepted a {first} that MySQL 8 rejects with {want.code}"
    if want.kind == "error":
        return f"error {got.code} where MySQL 8 gives {want.code}"
    if want.kind != got.kind:
        return f"{got.kind} instead of {want.kind} ({first})"
    if want.kind == "ok":
        if want.affected != got.affected:
            return f"affected rows differ ({first})"
        return f"insert id differs ({first})"
    if want.columns != got.columns:
        if len(want.columns) != len(got.columns):
            return f"different number of columns ({first})"
        return f"column names differ ({first})"
    if len(want.rows) != len(got.rows):
        return f"different number of rows ({first})"
    if is_ordered(sql) and sorted(want.rows, key=_sort_key) == sorted(got.rows, key=_sort_key):
        return f"rows in a different order ({first})"
    # same shape: which kind of value differs first
    for wr, gr in zip(sorted(want.rows, key=_sort_key), sorted(got.rows, key=_sort_key)):
        for w, g in zip(wr, gr):
            if w == g:
                continue
            if (w is None) != (g is None):
                return f"NULL vs value ({first})"
            if isinstance(w, (bytes, bytearray)) != isinstance(g, (bytes, bytearray)):
                return f"binary vs text value ({first})"
            return f"different values ({first})"
    return f"different values ({first})"


# ---------------------------------------------------------------------------------------------
# Running a family
# ---------------------------------------------------------------------------------------------


@dataclass
class Case:
    stmt: Stmt
    want: Answer
    got: Answer
    source: str  # "mariadb", "mysql8" (an annotation) or "none"
    identical: bool
    mariadb: Answer | None = None

    @property
    def sql(self) -> str:
        return self.stmt.sql


@dataclass
class FamilyResult:
    name: str
    cases: list[Case] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # setup trouble, stale annotations
    problems: list[str] = field(default_factory=list)  # make the family's test fail
    seconds: float = 0.0

    @property
    def identical(self) -> int:
        return sum(c.identical for c in self.cases)

    @property
    def annotated(self) -> int:
        return sum(c.source == "mysql8" for c in self.cases)


class Side:
    """One connection to one server, reconnected (bounded) when it is lost."""

    def __init__(self, name: str, connect, database: str):
        self.name = name
        self._connect = connect
        self.database = database
        self.conn: pymysql.Connection | None = None
        self.dead = False

    def open(self) -> bool:
        if self.dead:
            return False
        for _ in range(2):
            try:
                self.conn = self._connect()
                return True
            except pymysql.err.MySQLError:
                time.sleep(0.5)
        self.dead = True
        return False

    def run(self, sql: str) -> Answer:
        if self.conn is None and not self.open():
            return Answer("lost", message=f"cannot connect to {self.name}")
        a = execute(self.conn, sql)
        if a.kind == "lost":
            self.close()
            if self.open():  # a fresh session in the family's database for the next case
                execute(self.conn, f"USE `{self.database}`")
        return a

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:  # noqa: BLE001 - a dead socket
                pass
        self.conn = None


def run_family(path: Path, mariadb_connect, rewind_connect, deadline: float) -> FamilyResult:
    name = path.stem
    db = f"diff_{name}"
    res = FamilyResult(name)
    t0 = time.monotonic()
    statements = parse_corpus(path)
    m = Side("mariadb", mariadb_connect, db)
    r = Side("rewind", rewind_connect, db) if rewind_connect else None
    for sql in (f"DROP DATABASE IF EXISTS `{db}`", f"CREATE DATABASE `{db}`", f"USE `{db}`"):
        a = m.run(sql)
        if a.kind != "ok":
            raise RuntimeError(f"MariaDB setup of {db} failed: {sql}: {show(a)}")
        if r:
            b = r.run(sql)
            if b.kind == "lost":
                res.problems.append(f"Rewind lost the connection on setup: {sql}: {b.message}")
            elif b.kind != "ok" and not sql.startswith("DROP"):
                res.notes.append(f"Rewind setup: {sql}: {show(b)}")
    family_deadline = min(deadline, time.monotonic() + FAMILY_DEADLINE)
    for st in statements:
        if time.monotonic() > family_deadline:
            skipped = Answer("skipped", message="deadline passed before this case ran")
            res.cases.append(Case(st, skipped, skipped, "none", False))
            continue
        ma = m.run(st.sql)
        if ma.kind == "lost":
            res.problems.append(f"MariaDB lost on line {st.line}: {key_of(st.sql)[:120]}: {ma.message}")
        if st.expect is not None:
            want, source = answer_from_expect(st.expect, ma), "mysql8"
            if same(st.sql, want, ma):
                res.notes.append(f"line {st.line}: the MySQL 8 annotation equals MariaDB's answer (drop it?)")
        else:
            want, source = ma, "mariadb"
        got = r.run(st.sql) if r else ma
        res.cases.append(Case(st, want, got, source, same(st.sql, want, got), ma))
    for side in (m, r):
        if side:
            if side.conn is not None:
                execute(side.conn, f"DROP DATABASE IF EXISTS `{db}`")
            side.close()
    if r:
        lost = [c for c in res.cases if c.got.kind == "lost"]
        if lost:
            res.problems.append(
                f"Rewind dropped the connection or timed out on {len(lost)} case(s), first line {lost[0].stmt.line}: "
                f"{key_of(lost[0].sql)[:160]} ({lost[0].got.message})"
            )
        if r.dead:
            res.problems.append("Rewind stopped accepting connections")
    skipped = [c for c in res.cases if c.got.kind == "skipped"]
    if skipped:
        res.problems.append(f"{len(skipped)} case(s) not run: the deadline passed")
    res.seconds = time.monotonic() - t0
    return res


# ---------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------


def family_table(results: list[FamilyResult]) -> str:
    lines = [f"{'family':<20} {'cases':>5} {'same':>5} {'%':>6} {'mysql8':>6}  {'secs':>5}"]
    for f in results:
        n = len(f.cases)
        lines.append(f"{f.name:<20} {n:>5} {f.identical:>5} {100 * f.identical / max(n, 1):>6.1f} {f.annotated:>6}  {f.seconds:>5.1f}")
    total = sum(len(f.cases) for f in results)
    ident = sum(f.identical for f in results)
    ann = sum(f.annotated for f in results)
    lines.append(f"{'TOTAL':<20} {total:>5} {ident:>5} {100 * ident / max(total, 1):>6.1f} {ann:>6}")
    return "\n".join(lines)


def top_kinds(results: list[FamilyResult], n: int = 30) -> list[tuple[str, int, str]]:
    counts: collections.Counter = collections.Counter()
    example: dict[str, str] = {}
    for f in results:
        for c in f.cases:
            if not c.identical:
                k = mismatch_kind(c.sql, c.want, c.got)
                counts[k] += 1
                example.setdefault(k, f"{f.name}.sql:{c.stmt.line}")
    return [(k, v, example[k]) for k, v in counts.most_common(n)]


def write_report(results: list[FamilyResult], meta: dict) -> tuple[int, int]:
    total = sum(len(f.cases) for f in results)
    ident = sum(f.identical for f in results)
    pct = 100 * ident / total if total else 0.0
    lines = [
        "# Differential SQL suite",
        "",
        f"Rewind `{meta.get('rewind', '?')}` against MariaDB {meta.get('mariadb', '?')} (configured like MySQL 8.0), "
        "with the MySQL 8.0 answers of the `-- @mysql8` annotations (tests-e2e/differential/DIFFERENCES.md) where the two differ.",
        "",
        f"**Overall: {ident}/{total} identical ({pct:.1f}%)**, threshold {meta.get('min_percent')}%.",
        "",
        "| family | cases | identical | % | MySQL 8 annotated | seconds |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for f in results:
        n = len(f.cases)
        lines.append(f"| {f.name} | {n} | {f.identical} | {100 * f.identical / max(n, 1):.1f} | {f.annotated} | {f.seconds:.1f} |")
    lines += ["", "## Most common kinds of mismatch", "", "| count | kind | first at |", "|---:|---|---|"]
    for k, v, ex in top_kinds(results):
        lines.append(f"| {v} | {k.replace('|', '/')} | {ex} |")
    for f in results:
        diffs = [c for c in f.cases if not c.identical]
        if not diffs and not f.notes and not f.problems:
            continue
        lines += ["", f"## {f.name}: {len(diffs)} different", ""]
        for p in f.problems:
            lines.append(f"- PROBLEM: {p}")
        for n in f.notes:
            lines.append(f"- note: {n}")
        for c in diffs:
            src = f"MySQL 8.0, annotated: {c.stmt.reason}" if c.source == "mysql8" else "MariaDB"
            lines += [
                "",
                f"line {c.stmt.line} ({mismatch_kind(c.sql, c.want, c.got)}):",
                "```sql",
                c.sql,
                "```",
                f"- expected ({src}): {show(c.want, c.sql)}",
                f"- Rewind: {show(c.got, c.sql)}",
            ]
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / "differential.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = {
        "meta": meta,
        "identical": ident,
        "cases": total,
        "percent": round(pct, 2),
        "kinds": [{"kind": k, "count": v, "first": ex} for k, v, ex in top_kinds(results, 100)],
        "families": {
            f.name: {
                "cases": len(f.cases),
                "identical": f.identical,
                "percent": round(100 * f.identical / max(len(f.cases), 1), 2),
                "mysql8_annotated": f.annotated,
                "seconds": round(f.seconds, 2),
                "notes": f.notes,
                "problems": f.problems,
                "statements": [
                    {
                        "line": c.stmt.line,
                        "sql": c.sql,
                        "identical": c.identical,
                        "expected_from": c.source,
                        **({"reason": c.stmt.reason} if c.source == "mysql8" else {}),
                        **({} if c.identical else {"kind": mismatch_kind(c.sql, c.want, c.got)}),
                        "expected": c.want.to_json(),
                        "rewind": c.got.to_json(),
                        **({"mariadb": c.mariadb.to_json()} if c.source == "mysql8" and c.mariadb else {}),
                    }
                    for c in f.cases
                ],
            }
            for f in results
        },
    }
    (REPORT_DIR / "differential.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return ident, total


def _code(s: str) -> str:
    """s as a Markdown code span, whatever backticks it holds."""
    run = max((len(m) for m in re.findall(r"`+", s)), default=0)
    fence = "`" * (run + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or run else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def _short(d: dict) -> str:
    if "error" in d:
        return f"error {d['error']}"
    if "affected" in d:
        s = f"OK, {d['affected']} affected"
        return s + (f", insert id {d['insert_id']}" if "insert_id" in d else "")
    rows = d["rows"]
    body = json.dumps(rows, ensure_ascii=False)
    if len(body) > 300:
        body = body[:300] + " ..."
    cols = f"columns {json.dumps(d['columns'], ensure_ascii=False)}; " if "columns" in d else ""
    return f"{cols}{len(rows)} row(s): {body}"


def differences_md() -> str:
    """DIFFERENCES.md, generated from the annotations of the corpus."""
    per = [(p, [s for s in parse_corpus(p) if s.expect is not None]) for p in families()]
    total = sum(len(s) for _, s in per)
    cases = sum(len(parse_corpus(p)) for p in families())
    out = [
        "# Where MySQL 8.0 and MariaDB disagree",
        "",
        "Generated from the `-- @mysql8` annotations of tests-e2e/differential/*.sql by",
        "`python tests-e2e/test_differential.py --differences`; do not edit by hand.",
        "",
        "The differential suite runs every statement on Rewind and on MariaDB 10.11 (Debian's",
        "mariadb-server, with MySQL 8.0's sql_mode, utf8mb4 and utf8mb4_uca1400_ai_ci). Rewind follows",
        "MySQL 8.0, so for the statements below, where MariaDB's answer is not MySQL 8.0's, Rewind is",
        "compared with the MySQL 8.0 answer written in the annotation instead.",
        f"{total} of the {cases} statements carry one.",
        "",
    ]
    for p, stmts in per:
        if not stmts:
            continue
        out += [f"## {p.name} ({len(stmts)})", ""]
        for s in stmts:
            sql = key_of(s.sql)
            out.append(f"- line {s.line}: {_code(sql)}")
            out.append(f"  - MySQL 8.0: {_short(s.expect)}")
            out.append(f"  - why: {s.reason}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# ---------------------------------------------------------------------------------------------
# pytest
# ---------------------------------------------------------------------------------------------

if "pytest" in sys.modules:
    import pytest

    from rewind_server import REWIND_BIN, http, session_server

    def test_differences_md_is_current():
        """DIFFERENCES.md is what the annotations say (and every corpus file parses)."""
        want = differences_md()
        have = DIFFERENCES_MD.read_text(encoding="utf-8") if DIFFERENCES_MD.exists() else ""
        assert have == want, (
            f"{DIFFERENCES_MD.relative_to(HERE.parent)} is stale: regenerate it with "
            "`.venv/bin/python tests-e2e/test_differential.py --differences`"
        )

    @pytest.fixture(scope="module")
    def mariadb():
        try:
            ensure_installed()
        except MariaDBUnavailable as e:
            pytest.skip(f"MariaDB cannot be installed, differential suite skipped: {e}")
        srv = MariaDB(password=PASSWORD)
        try:
            srv.start()
        except Exception as e:  # noqa: BLE001
            pytest.fail(f"MariaDB did not start: {e}", pytrace=False)
        try:
            yield srv
        finally:
            srv.stop()

    @pytest.fixture(scope="module")
    def rewind_server():
        yield from session_server("fast", "pytest-differential")

    def rewind_connect(host: str, port: int):
        def connect():
            return pymysql.connect(
                host=host,
                port=port,
                user="admin",
                password=PASSWORD,
                charset="utf8mb4",  # PyMySQL sends SET NAMES utf8mb4: utf8mb4_0900_ai_ci on MySQL 8.0
                autocommit=True,
                conv=RAW_CONV,
                connect_timeout=5,
                read_timeout=STATEMENT_TIMEOUT,
                write_timeout=STATEMENT_TIMEOUT,
            )

        return connect

    @pytest.fixture(scope="module")
    def rewind_writer(rewind_server):
        """(host, port) of the writer endpoint of a fresh one-instance cluster."""
        return rewind_server.mysql_cluster(
            "diff", ENGINE_VERSION, "admin", PASSWORD, lambda h, p: rewind_connect(h, p)().close()
        )

    _RESULTS: dict[str, FamilyResult] = {}
    _RUN = {"deadline": None}

    @pytest.fixture(scope="module")
    def run_one(mariadb, rewind_writer, rewind_server):
        host, port = rewind_writer

        def run(path: Path) -> FamilyResult:
            if path.stem not in _RESULTS:
                if _RUN["deadline"] is None:
                    _RUN["deadline"] = time.monotonic() + RUN_DEADLINE
                mconn = lambda: mariadb.connect(conv=RAW_CONV, read_timeout=30)  # noqa: E731
                _RESULTS[path.stem] = run_family(path, mconn, rewind_connect(host, port), _RUN["deadline"])
            return _RESULTS[path.stem]

        run.server = rewind_server
        run.mariadb = mariadb
        return run

    def server_trouble(server) -> list[str]:
        """A crashed Rewind, a panic in its log."""
        out = []
        if server.proc is not None and server.proc.poll() is not None:
            out.append(f"Rewind exited with {server.proc.returncode}:\n{server.log_tail()}")
        try:
            log = server.log.read_text(errors="replace")
        except OSError:
            log = ""
        if "panicked at" in log:
            first = next(ln for ln in log.splitlines() if "panicked at" in ln)
            out.append(f"Rewind panicked: {first.strip()[:300]} (log: {server.log})")
        return out

    @pytest.mark.parametrize("path", families(), ids=lambda p: p.stem)
    def test_family(run_one, path):
        """Runs one family on both servers. Fails only when a side broke (a crash, a panic, a
        dropped connection, a timeout, MariaDB losing a connection), not on differences."""
        res = run_one(path)
        problems = res.problems + server_trouble(run_one.server)
        assert not problems, "\n".join(problems)

    def test_identical_fraction(run_one, capsys):
        for path in families():
            run_one(path)
        results = [_RESULTS[p.stem] for p in families()]
        status, _ = http("GET", run_one.server.endpoint + "/_rewind/health")
        meta = {
            "rewind": str(REWIND_BIN),
            "mariadb": run_one.mariadb.version,
            "mariadb_collation": run_one.mariadb.collation,
            "min_percent": MIN_PERCENT,
            "health_after_run": status,
            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        ident, total = write_report(results, meta)
        pct = 100 * ident / total if total else 0.0
        with capsys.disabled():
            print(f"\n\ndifferential SQL suite (Rewind vs MariaDB {run_one.mariadb.version} / MySQL 8.0 annotations)")
            print(family_table(results))
            print(f"identical: {ident}/{total} = {pct:.1f}% (threshold {MIN_PERCENT:g}%)")
            print("most common kinds of mismatch:")
            for k, v, ex in top_kinds(results, 10):
                print(f"  {v:4d}  {k[:110]}  [{ex}]")
            print(f"report: {REPORT_DIR / 'differential.md'} and differential.json\n")
        assert status == 200, f"Rewind's /_rewind/health answered {status} after the run"
        assert not server_trouble(run_one.server), "\n".join(server_trouble(run_one.server))
        assert total > 0
        assert pct >= MIN_PERCENT, (
            f"{pct:.1f}% ({ident}/{total}) identical, below DIFFERENTIAL_MIN_PERCENT {MIN_PERCENT:g}; "
            "see target/e2e/differential.md"
        )


# ---------------------------------------------------------------------------------------------
# By hand: MariaDB's answers, to review the corpus; DIFFERENCES.md
# ---------------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    if argv[:1] == ["--differences"]:
        DIFFERENCES_MD.write_text(differences_md(), encoding="utf-8")
        print(f"wrote {DIFFERENCES_MD}")
        return 0
    only = set()
    if argv[:1] == ["--only"]:
        only = {Path(a).stem for a in argv[1:]}
    srv = MariaDB(password=PASSWORD)
    srv.start()
    try:
        for path in families():
            if only and path.stem not in only:
                continue
            res = run_family(path, lambda: srv.connect(conv=RAW_CONV), None, time.monotonic() + 600)
            print(f"===== {path.name}: {len(res.cases)} cases")
            for n in res.notes + res.problems:
                print(f"  NOTE {n}")
            for c in res.cases:
                mark = "" if c.source == "mariadb" else ("  [MySQL 8: " + show(c.want, c.sql) + "]")
                print(f"> {key_of(c.sql)}\n    {show(c.mariadb, c.sql, 40, 2000)}{mark}")
    finally:
        srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
