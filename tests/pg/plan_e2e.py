#!/usr/bin/env python3
"""End-to-end proof of `pgbelay plan` against a real PostgreSQL 15.

For every case directory testdata/plan/e2e/<case>/ (seed.sql, migration.sql,
workload.sql, expect.json) on one throw-away cluster (tools/pgcluster.py),
each database a copy of a template seeded once with seed.sql:

  naive     A: migration.sql applies with psql (ON_ERROR_STOP)
  workload  W: workload.sql runs (pgbench) on the seed and after migration.sql
  plan      `pgbelay plan --format json --framework plain --schema seed.sql
            migration.sql` succeeds with a well-formed plan of the expected
            status; a planner error is a failure, never a skip
  recipes   the plan's recipes are expect.json's
  claims    checked without a server: every phase sets lock_timeout and
            statement_timeout before its first other statement, statements
            end with ';', nothing that cannot run in a transaction block is
            in a transactional phase, contract phases that drop or rename a
            column, table or view have a deploy gate before them
  phases    B: every phase in order (transactional ones with psql -1, the
            others statement by statement in autocommit; lock_timeout
            errors, SQLSTATE 55P03, are retried, as the plan tells its users
            to; any other error fails, a syntax error as "does not parse")
  rollback  D: each phase with a down part, then that down part, gives the
            schema back as it was before the phase; then the phase again
  schema    pg_dump --schema-only of A and B are equal after normalization
  data      every table present in both has the same rows (as jsonb text,
            so column order does not matter), plus expect.json's queries
  under     C: the phases again while pgbench runs workload.sql with
  workload  lock_timeout and statement_timeout set to the plan's
            lock_timeout: zero failed transactions and no aborted client
  schema-C  the schema of C equals B's

Prints one line per check and ends with "N passed, M failed"; exits 1 when
anything failed, 2 on a usage or set-up error.

    python3 tests/pg/plan_e2e.py --pgbelay zig-out/bin/pgbelay [--root DIR]
        [--only SUBSTRING] [--keep] [--verbose]

`zig build test-pg` builds pgbelay and runs this (docs/testing.md).
"""
import argparse
import difflib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT_DEFAULT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True  # no __pycache__ left in tools/
sys.path.insert(0, os.path.join(ROOT_DEFAULT, "tools"))
from pgcluster import PgCluster, PgError  # noqa: E402

LOCK_TIMEOUT_RETRIES = 5
PHASE_TIMEOUT = 120  # seconds for one psql run: a hung phase fails instead of hanging CI
WORKLOAD_CLIENTS = 4  # across two staggered pgbench loops
WORKLOAD_CHUNK = 1  # seconds per pgbench run (pgbench -T takes whole seconds)
# Transactions per second per pgbench run (two run at once). Bounded so that
# the suite's timing does not depend on how fast the machine is, and so that
# a backfill is not outrun by inserts that an unbounded pgbench makes at
# thousands per second: a few hundred transactions a second still meet any
# lock held for longer than the plan's lock_timeout hundreds of times.
WORKLOAD_RATE = 100
# pgbench 15 counts serialization and deadlock errors as failed transactions
# (and says which with these options); any other error aborts the client,
# which it reports on stderr and with exit status 2.
PGBENCH_ERRORS = ("--failures-detailed", "--verbose-errors")
PHASE_KINDS = ("expand", "backfill", "switch", "contract")


class CaseFailure(Exception):
    """A check failed; the message is printed under the FAIL line."""


# --- reporting ------------------------------------------------------------------
class Report:
    def __init__(self, verbose):
        self.passed = 0
        self.failed = 0
        self.verbose = verbose

    def ok(self, case, check, detail=""):
        self.passed += 1
        print("ok   %s: %s%s" % (case, check, (": " + detail) if detail else ""), flush=True)

    def fail(self, case, check, detail):
        self.failed += 1
        lines = str(detail).rstrip("\n").split("\n")
        print("FAIL %s: %s: %s" % (case, check, lines[0]), flush=True)
        for line in lines[1:]:
            print("     | " + line, flush=True)


def short_diff(a_lines, b_lines, a_name, b_name, limit=60):
    d = list(difflib.unified_diff(a_lines, b_lines, a_name, b_name, lineterm="", n=2))
    if len(d) > limit:
        d = d[:limit] + ["... (%d more diff lines)" % (len(d) - limit)]
    return "\n".join(d)


# --- the plan -------------------------------------------------------------------
def get_plan(pgbelay, case_dir):
    """Run the planner; returns the one migration object of its JSON.
    Raises CaseFailure when the planner errors or says something unusable."""
    # --framework plain: the harness runs migration.sql and the phases with
    # psql, as plain SQL files (a directory holding migration.sql would
    # otherwise be taken for Prisma's layout).
    cmd = [pgbelay, "plan", "--format", "json", "--framework", "plain",
           "--schema", os.path.join(case_dir, "seed.sql"), os.path.join(case_dir, "migration.sql")]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise CaseFailure("cannot run %s: %s" % (" ".join(cmd), e))
    # 0 = plan written; 1 is accepted too (lint's "findings" exit) as long
    # as the JSON is complete; anything else is an error.
    if p.returncode not in (0, 1):
        raise CaseFailure("planner exited %d\n$ %s\n%s" % (p.returncode, " ".join(cmd),
                                                            (p.stderr or p.stdout)[-3000:]))
    try:
        doc = json.loads(p.stdout)
    except ValueError as e:
        raise CaseFailure("planner output is not JSON (%s)\n$ %s\n%s%s" % (
            e, " ".join(cmd), p.stdout[:1500], p.stderr[-1500:]))
    if not isinstance(doc, dict) or doc.get("format") != "pgbelay-plan/1":
        raise CaseFailure("planner output has format %r, expected 'pgbelay-plan/1'"
                          % (doc.get("format") if isinstance(doc, dict) else type(doc).__name__))
    migs = doc.get("migrations")
    if not isinstance(migs, list) or len(migs) != 1:
        raise CaseFailure("expected exactly one migration in the plan, got %r"
                          % (len(migs) if isinstance(migs, list) else migs))
    return migs[0]


def check_plan_shape(mig, expect):
    """Status, recipes and the shape of every phase. Returns a summary."""
    problems = []
    status = mig.get("status")
    if status != expect.get("status", "plan"):
        raise CaseFailure("status %r, expected %r (notes: %s)" % (
            status, expect.get("status", "plan"), "; ".join(mig.get("notes") or []) or "none"))
    phases = mig.get("phases")
    if status == "plan":
        if not isinstance(phases, list) or not phases:
            raise CaseFailure("status is 'plan' but there are no phases")
        for i, ph in enumerate(phases, 1):
            where = "phase %d" % i
            if not isinstance(ph, dict):
                problems.append("%s is not an object" % where)
                continue
            if ph.get("number") != i:
                problems.append("%s has number %r" % (where, ph.get("number")))
            if ph.get("kind") not in PHASE_KINDS:
                problems.append("%s has kind %r" % (where, ph.get("kind")))
            if not isinstance(ph.get("transactional"), bool):
                problems.append("%s: 'transactional' is not a boolean" % where)
            st = ph.get("statements")
            if not isinstance(st, list) or not st or not all(isinstance(s, str) for s in st):
                problems.append("%s: 'statements' is not a non-empty list of strings" % where)
            down = ph.get("down")
            if down is not None and not (isinstance(down, list)
                                         and all(isinstance(s, str) for s in down)):
                problems.append("%s: 'down' is neither null nor a list of strings" % where)
            if not isinstance(ph.get("locks"), list):
                problems.append("%s: 'locks' is not a list" % where)
    if problems:
        raise CaseFailure("\n".join(problems))
    return "%s, %d phases (%s)" % (status, len(phases or []), ", ".join(
        p["kind"] + ("" if p["transactional"] else " (no transaction)") for p in phases or []))


def check_recipes(mig, expect):
    changes = mig.get("changes") or []
    got = sorted({c.get("recipe") for c in changes if isinstance(c, dict)}, key=str)
    want = sorted(set(expect.get("recipes", [])))
    if got != want:
        raise CaseFailure("recipes %s, expected %s (expect.json)%s" % (
            got, want, "\nnotes: " + "; ".join(mig["notes"]) if mig.get("notes") else ""))
    return ", ".join(got) or "none"


_SET_LOCK = re.compile(r"^\s*SET\s+(?:SESSION\s+|LOCAL\s+)?lock_timeout\s*(?:=|TO)\s*'?\s*(\d+)\s*"
                       r"(ms|s|min|h)?\s*'?\s*;?\s*$", re.I)
_SET_STMT = re.compile(r"^\s*SET\s+(?:SESSION\s+|LOCAL\s+)?statement_timeout\b", re.I)
_SESSION_SETTING = re.compile(r"^\s*(SET|RESET)\s", re.I)
_NON_TX = re.compile(r"\b(CONCURRENTLY|VACUUM)\b|^\s*CALL\b", re.I)
# What the application uses: columns, tables, views. Dropping a helper
# trigger, function or constraint needs no gate.
_APP_VISIBLE_DROP = re.compile(r"\bDROP\s+(COLUMN|TABLE|VIEW)\b|\bRENAME\b", re.I)
_UNIT_MS = {None: 1, "ms": 1, "s": 1000, "min": 60000, "h": 3600000}


def strip_sql_comments(s):
    return "\n".join(line for line in s.split("\n") if not line.lstrip().startswith("--"))


def lock_timeout_ms(phase):
    """The phase's SET lock_timeout in milliseconds, or None."""
    for s in phase.get("statements", []):
        m = _SET_LOCK.match(strip_sql_comments(s).strip())
        if m:
            return int(m.group(1)) * _UNIT_MS[m.group(2) and m.group(2).lower()]
    return None


def check_claims(mig):
    """The plan's own claims that are cheap to check without a server."""
    problems = []
    for ph in mig.get("phases") or []:
        n = ph["number"]
        stmts = [strip_sql_comments(s).strip() for s in ph["statements"]]
        first_other = next((i for i, s in enumerate(stmts) if not _SESSION_SETTING.match(s)),
                           len(stmts))
        settings = stmts[:first_other]
        if not any(_SET_LOCK.match(s) for s in settings):
            problems.append("phase %d does not SET lock_timeout before its first statement" % n)
        elif lock_timeout_ms(ph) == 0:
            problems.append("phase %d sets lock_timeout to 0 (no limit)" % n)
        if not any(_SET_STMT.match(s) for s in settings):
            problems.append("phase %d does not SET statement_timeout before its first statement"
                            % n)
        for s in stmts + [strip_sql_comments(d).strip() for d in ph.get("down") or []]:
            if not s.endswith(";"):
                problems.append("phase %d: statement does not end with ';': %.80s" % (n, s))
        if ph["transactional"] and any(_NON_TX.search(s) for s in stmts):
            problems.append("phase %d is transactional but has a statement that cannot run in a "
                            "transaction block (CONCURRENTLY / VACUUM / CALL)" % n)
        if ph["kind"] == "contract" and any(_APP_VISIBLE_DROP.search(s) for s in stmts):
            if not (isinstance(ph.get("gate_before"), str) and ph["gate_before"].strip()):
                problems.append("contract phase %d drops or renames a column, table or view "
                                "but has no gate_before" % n)
    if problems:
        raise CaseFailure("\n".join(problems))
    gates = sum(1 for ph in mig["phases"] if ph.get("gate_before"))
    return "timeouts set in every phase, %d deploy gate%s" % (gates, "" if gates == 1 else "s")


# --- applying SQL ---------------------------------------------------------------
_SQLSTATE = re.compile(r"(?:ERROR|FATAL):\s+([0-9A-Z]{5}):")


def sqlstate_of(stderr):
    m = _SQLSTATE.search(stderr or "")
    return m.group(1) if m else None


class Applier:
    """Applies a plan's phases to one database the way the plan says to."""

    def __init__(self, pg, db, tmpdir):
        self.pg = pg
        self.db = db
        self.tmpdir = tmpdir
        self.retries = 0
        self.durations = []
        self.timeout = PHASE_TIMEOUT
        self.timeout_reason = ""

    def _psql_file(self, text, single_tx, what):
        fd, path = tempfile.mkstemp(suffix=".sql", dir=self.tmpdir)
        with os.fdopen(fd, "w") as f:
            f.write("\\set VERBOSITY verbose\n" + text)
        args = ["-f", path] + (["-1"] if single_tx else [])
        try:
            return self.pg.psql(self.db, *args, check=False, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            raise CaseFailure("%s did not finish within %.0f s%s" % (
                what, self.timeout, "" if self.timeout == PHASE_TIMEOUT else
                " (%s s alone, in B; a backfill that never catches up with the rows the "
                "workload inserts?)" % self.timeout_reason))
        finally:
            os.unlink(path)

    def _run(self, text, single_tx, what, on_lock_timeout=None):
        for attempt in range(1, LOCK_TIMEOUT_RETRIES + 1):
            p = self._psql_file(text, single_tx, what)
            if p.returncode == 0:
                return
            state = sqlstate_of(p.stderr)
            if state == "55P03" and attempt < LOCK_TIMEOUT_RETRIES:
                self.retries += 1
                if on_lock_timeout:
                    on_lock_timeout()
                time.sleep(0.2 * attempt)
                continue
            kind = {"42601": "does not parse", "55P03": "lock timeout on every attempt",
                    "57014": "statement timeout"}.get(state, "failed")
            raise CaseFailure("%s %s (SQLSTATE %s)\n%s" % (what, kind, state or "?",
                                                          p.stderr.strip()[-3000:]))

    def apply_statements(self, stmts, transactional, what):
        if transactional:
            self._run("\n".join(stmts) + "\n", True, what)
            return
        # Autocommit, one statement at a time, with the session settings
        # (SET/RESET) seen so far replayed before each.
        settings = []
        for i, s in enumerate(stmts, 1):
            if _SESSION_SETTING.match(strip_sql_comments(s)):
                settings.append(s)
                continue
            self._run("\n".join(settings + [s]) + "\n", False, "%s, statement %d" % (what, i),
                      on_lock_timeout=lambda s=s: self._drop_invalid_index(s))

    def _drop_invalid_index(self, stmt):
        # A CREATE INDEX CONCURRENTLY that timed out after creating its
        # catalog entry leaves an INVALID index, and IF NOT EXISTS would
        # then skip the retry: drop it first, as the plan's notes tell users.
        m = re.search(r"\bINDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w.\"]+)", stmt, re.I)
        if not m:
            return
        name = m.group(1)
        rows = self.pg.query(self.db, "SELECT 1 FROM pg_index WHERE NOT indisvalid AND "
                                      "indexrelid = to_regclass('%s')" % name.replace("'", "''"))
        if rows:
            self.pg.psql(self.db, "-c", "DROP INDEX CONCURRENTLY IF EXISTS %s" % name)

    def apply_phase(self, ph, down=False, timeout=None):
        stmts = ph["down"] if down else ph["statements"]
        what = "phase %d%s" % (ph["number"], " down" if down else "")
        self.timeout = timeout or PHASE_TIMEOUT
        t0 = time.monotonic()
        self.apply_statements(stmts, ph["transactional"], what)
        self.durations.append(time.monotonic() - t0)

    def apply_all(self, phases, timeouts=None):
        for i, ph in enumerate(phases):
            self.apply_phase(ph, timeout=timeouts[i] if timeouts else None)


# --- schema and data ------------------------------------------------------------
_DOLLAR = re.compile(r"\$[A-Za-z_0-9]*\$")


def normalize_dump(text, names_may_differ=False):
    """pg_dump --schema-only output as a list of statements (each a string
    of lines), normalized so that equal schemas compare equal:
      - comment lines (pg_dump's object headers and banners) are dropped;
      - SET ... and SELECT pg_catalog.set_config(...) lines are session
        settings of the dump, not schema;
      - \\restrict / \\unrestrict lines carry a random key per dump
        (PostgreSQL 15.14 and later);
      - blank lines between statements are dropped;
      - the lines inside CREATE TABLE ( ... ) are sorted (with their
        trailing commas removed): a planned rename or type change adds the
        new column at the end, and column order is not visible to
        applications that name their columns.
    With names_may_differ (a case opts in, with its reason, in expect.json),
    the names of constraints and indexes are replaced by <name> and the
    statements are sorted: pg_dump orders objects by name."""
    stmts, cur, dollar = [], [], None
    for line in text.split("\n"):
        if not cur and dollar is None:
            s = line.strip()
            if (not s or s.startswith("--") or re.match(r"SET \w+ = ", s)
                    or s.startswith("SELECT pg_catalog.set_config(")
                    or s.startswith("\\restrict") or s.startswith("\\unrestrict")):
                continue
        if dollar is None and not line.strip():
            continue
        cur.append(line)
        for m in _DOLLAR.finditer(line):
            if dollar is None:
                dollar = m.group(0)
            elif m.group(0) == dollar:
                dollar = None
        if dollar is None and line.rstrip().endswith(";"):
            stmts.append(_finish_stmt(cur))
            cur = []
    if cur:
        stmts.append(_finish_stmt(cur))
    if names_may_differ:
        stmts = sorted(re.sub(r"\b(CONSTRAINT|INDEX) (\"[^\"]+\"|\S+)", r"\1 <name>", s)
                       for s in stmts)
    return stmts


def _finish_stmt(lines):
    if re.match(r"CREATE (UNLOGGED )?TABLE ", lines[0]) and lines[0].rstrip().endswith("("):
        close = max(i for i, ln in enumerate(lines) if ln.startswith(")"))
        body = sorted(ln.rstrip().rstrip(",") for ln in lines[1:close])
        lines = [lines[0]] + body + lines[close:]
    return "\n".join(ln.rstrip() for ln in lines)


def without_validity(stmts):
    """The same statements with the validation state of constraints erased,
    for the rollback check only: undoing a VALIDATE CONSTRAINT phase is a
    no-op by design (PostgreSQL cannot mark a constraint NOT VALID again,
    and a validated constraint constrains new rows exactly as a NOT VALID
    one does), but pg_dump writes a validated CHECK inside CREATE TABLE and
    a NOT VALID one as a separate ALTER TABLE. Every constraint becomes one
    'ALTER TABLE t ADD CONSTRAINT ...;' line without NOT VALID."""
    out = []
    for s in stmts:
        lines = s.split("\n")
        m = re.match(r"CREATE (?:UNLOGGED )?TABLE (\S+) \($", lines[0])
        if m:
            close = max(i for i, ln in enumerate(lines) if ln.startswith(")"))
            keep = []
            for ln in lines[1:close]:
                c = re.match(r"\s+(CONSTRAINT \S+ CHECK .*)$", ln)
                if c:
                    out.append("ALTER TABLE %s ADD %s;" % (m.group(1), c.group(1)))
                else:
                    keep.append(ln)
            s = "\n".join([lines[0]] + keep + lines[close:])
        elif s.startswith("ALTER TABLE") and "ADD CONSTRAINT" in s:
            s = " ".join(ln.strip() for ln in lines)
            s = re.sub(r"^ALTER TABLE ONLY ", "ALTER TABLE ", s)
            s = re.sub(r" NOT VALID;$", ";", s)
        out.append(s)
    return sorted(out)


def dump_schema(pg, db, names_may_differ=False):
    out = pg.run("pg_dump", "--schema-only", "-d", db).stdout
    return normalize_dump(out, names_may_differ)


def compare_schemas(pg, db_a, db_b, label_a, label_b, names_may_differ):
    a = dump_schema(pg, db_a, names_may_differ)
    b = dump_schema(pg, db_b, names_may_differ)
    if a != b:
        al = "\n".join(a).split("\n")
        bl = "\n".join(b).split("\n")
        raise CaseFailure("pg_dump --schema-only differs (normalized; - %s, + %s)\n%s"
                          % (label_a, label_b, short_diff(al, bl, label_a, label_b)))
    return len(a)


def tables(pg, db):
    return [r[0] for r in pg.query(db, "SELECT format('%I.%I', schemaname, tablename) FROM "
                                       "pg_tables WHERE schemaname NOT IN ('pg_catalog', "
                                       "'information_schema') ORDER BY 1")]


def compare_data(pg, db_a, db_b, expect):
    ignore = expect.get("data_ignore_columns", {})
    common = sorted(set(tables(pg, db_a)) & set(tables(pg, db_b)))
    rows = 0
    for t in common:
        cols = ignore.get(t, [])
        minus = (" - ARRAY[%s]::text[]" % ", ".join("'%s'" % c for c in cols)) if cols else ""
        sql = ("SELECT r FROM (SELECT (to_jsonb(x)%s)::text AS r FROM %s x) s "
               "ORDER BY r COLLATE \"C\"" % (minus, t))
        digest = "SELECT count(*), md5(string_agg(r, E'\\n' ORDER BY r COLLATE \"C\")) FROM (%s) d" % sql
        da, db = pg.query(db_a, digest), pg.query(db_b, digest)
        if da == db:
            rows += int(da[0][0])
            continue
        a = pg.psql(db_a, "-A", "-t", "-c", sql).stdout.split("\n")
        b = pg.psql(db_b, "-A", "-t", "-c", sql).stdout.split("\n")
        if a != b:
            raise CaseFailure("rows of %s differ (%d in A, %d in B)\n%s" % (
                t, len(a) - 1, len(b) - 1, short_diff(a, b, "A " + t, "B " + t, 30)))
        rows += len(a) - 1
    for q in expect.get("data_queries", []):
        a = pg.psql(db_a, "-A", "-t", "-c", q).stdout.split("\n")
        b = pg.psql(db_b, "-A", "-t", "-c", q).stdout.split("\n")
        if a != b:
            raise CaseFailure("query results differ: %s\n%s" % (q, short_diff(a, b, "A", "B", 30)))
    return "%d tables, %d rows%s" % (len(common), rows, (", %d quer%s" % (
        len(expect["data_queries"]), "y" if len(expect["data_queries"]) == 1 else "ies"))
        if expect.get("data_queries") else "")


# --- the concurrent workload ----------------------------------------------------
class Workload:
    """pgbench running a custom script against one database, continuously,
    until stop(). pgbench cannot be stopped early with a report, so two
    loops of short runs (WORKLOAD_CHUNK seconds each) are staggered by half
    a run: while one loop reconnects, the other is mid-run."""

    def __init__(self, pg, db, script, timeout_ms):
        self.pg, self.db, self.script = pg, db, script
        self.env = {"PGOPTIONS": "-c lock_timeout=%d -c statement_timeout=%d"
                                 % (timeout_ms, timeout_ms),
                    "PGAPPNAME": "pgbelay-workload"}
        self.stop_flag = threading.Event()
        self.runs = []  # (start, end, returncode, processed, failed, aborted lines, stderr)
        self.lock = threading.Lock()
        self.threads = []
        self.errors = []

    def _loop(self, clients, delay):
        if self.stop_flag.wait(delay):
            return
        while not self.stop_flag.is_set():
            t0 = time.monotonic()
            try:
                # (pgbench's -d is --debug: the database is the last argument)
                p = self.pg.run("pgbench", *PGBENCH_ERRORS, "-n", "-c", str(clients), "-j", "1",
                                "-T", str(WORKLOAD_CHUNK), "-R", str(WORKLOAD_RATE),
                                "-f", self.script, self.db,
                                check=False, env=self.env, timeout=WORKLOAD_CHUNK + 60)
            except Exception as e:  # noqa: BLE001 - reported as a failure
                with self.lock:
                    self.errors.append("pgbench did not run: %s" % e)
                return
            t1 = time.monotonic()
            m = re.search(r"number of transactions actually processed: (\d+)", p.stdout)
            f = re.search(r"number of failed transactions: (\d+)", p.stdout)
            aborted = [ln for ln in p.stderr.split("\n")
                       if re.search(r"aborted|error|failed", ln, re.I)]
            with self.lock:
                self.runs.append((t0, t1, p.returncode, int(m.group(1)) if m else 0,
                                  int(f.group(1)) if f else -1, aborted, p.stderr))

    # The longest-waiting application statement right now, if any waits
    # for a lock: how long its statement has run, and what it waits for.
    _WAIT_QUERY = (
        "SELECT (extract(epoch FROM clock_timestamp() - a.query_start) * 1000)::bigint, "
        "coalesce(c.relname, l.locktype) || ' ' || l.mode "
        "FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted "
        "LEFT JOIN pg_class c ON c.oid = l.relation "
        "WHERE a.application_name = 'pgbelay-workload' AND a.wait_event_type = 'Lock' "
        "UNION ALL SELECT -1, '' ORDER BY 1 DESC LIMIT 1;\n")

    def _sample(self):
        """Polls the application sessions' lock waits every 50 ms (for the
        report; the pass/fail verdict is pgbench's)."""
        try:
            p = subprocess.Popen([self.pg.bin("psql"), "-X", "-q", "-A", "-t", "-F", "\t",
                                  "-d", self.db], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True, env=self.pg.env)
        except OSError:
            return
        try:
            while not self.sampler_stop.is_set():
                p.stdin.write(self._WAIT_QUERY)
                p.stdin.flush()
                line = p.stdout.readline()
                if not line:
                    break
                ms, _, what = line.rstrip("\n").partition("\t")
                if int(ms) > self.longest_wait[0]:
                    self.longest_wait = (int(ms), what)
                self.sampler_stop.wait(0.05)
        except (OSError, ValueError):
            pass
        finally:
            try:
                p.stdin.close()
            except OSError:
                pass
            p.wait()

    def start(self):
        self.sampler_stop = threading.Event()
        self.longest_wait = (-1, "")
        self.sampler = threading.Thread(target=self._sample, daemon=True)
        self.sampler.start()
        half = WORKLOAD_CLIENTS // 2
        for clients, delay in ((half, 0.0), (WORKLOAD_CLIENTS - half, WORKLOAD_CHUNK / 2)):
            t = threading.Thread(target=self._loop, args=(clients, delay), daemon=True)
            t.start()
            self.threads.append(t)
        # Let both loops reach the server before the first phase starts.
        deadline = time.monotonic() + WORKLOAD_CHUNK + 5
        while time.monotonic() < deadline:
            n = self.pg.query(self.db, "SELECT count(*) FROM pg_stat_activity WHERE "
                                       "application_name = 'pgbelay-workload'")[0][0]
            if int(n) >= WORKLOAD_CLIENTS:
                break
            time.sleep(0.05)

    def stop(self):
        self.stop_flag.set()
        for t in self.threads:
            t.join()
        self.sampler_stop.set()
        self.sampler.join()

    def verdict(self, t_begin, t_end):
        """(ok, summary, details)."""
        processed = sum(r[3] for r in self.runs)
        failed = sum(max(r[4], 0) for r in self.runs)
        bad = [r for r in self.runs if r[2] != 0 or r[4] != 0 or r[5]]
        # coverage of [t_begin, t_end] by the runs
        spans = sorted((r[0], r[1]) for r in self.runs)
        covered, cursor = 0.0, t_begin
        for s, e in spans:
            s, e = max(s, cursor), min(e, t_end)
            if e > s:
                covered += e - s
                cursor = e
        total = max(t_end - t_begin, 1e-9)
        summary = "%d transactions by %d pgbench runs, %d failed, workload ran %.0f%% of the " \
                  "%.1f s of phases" % (processed, len(self.runs), failed,
                                        min(100.0, 100 * covered / total), total)
        if self.longest_wait[0] >= 0:
            summary += ", longest lock wait seen %d ms (%s)" % self.longest_wait
        else:
            summary += ", no lock wait seen"
        details = []
        details.extend(self.errors)
        for r in bad[:5]:
            details.append("pgbench exited %d, %s failed transactions:" % (
                r[2], r[4] if r[4] >= 0 else "unknown"))
            details.extend("  " + ln for ln in (r[5] or r[6].strip().split("\n"))[:6])
        if not self.runs:
            details.append("pgbench never ran")
        elif processed == 0:
            details.append("pgbench processed no transaction")
        return (not details, summary, "\n".join(details))


def run_workload_once(pg, db, script, where):
    """A short pgbench run of the workload without anything concurrent."""
    p = pg.run("pgbench", *PGBENCH_ERRORS, "-n", "-c", "2", "-j", "1", "-t", "25", "-f", script,
               db, check=False, timeout=120)
    m = re.search(r"number of transactions actually processed: (\d+)", p.stdout)
    f = re.search(r"number of failed transactions: (\d+)", p.stdout)
    if p.returncode != 0 or not m or not f or int(f.group(1)) != 0 or "aborted" in p.stderr:
        raise CaseFailure("workload.sql fails %s (pgbench exit %d):\n%s" % (
            where, p.returncode, (p.stderr or p.stdout).strip()[-2000:]))
    return int(m.group(1))


# --- one case -------------------------------------------------------------------
def run_case(pg, args, name, case_dir, report):
    expect_path = os.path.join(case_dir, "expect.json")
    try:
        with open(expect_path) as f:
            expect = json.load(f)
    except (OSError, ValueError) as e:
        report.fail(name, "expect.json", "cannot read %s: %s" % (expect_path, e))
        return
    names_may_differ = bool(expect.get("names_may_differ"))
    seed = os.path.join(case_dir, "seed.sql")
    migration = os.path.join(case_dir, "migration.sql")
    workload = os.path.join(case_dir, "workload.sql")
    prefix = re.sub(r"\W", "_", name)
    dbs = {k: "%s_%s" % (prefix, k) for k in ("seed", "a", "b", "c", "d", "w")}
    tmpdir = tempfile.mkdtemp(prefix="pgbelay-e2e-")
    results = []  # (label, ok, detail), printed in order at the end of each stage
    lock = threading.Lock()

    def fresh(db):
        # seed.sql runs once (below) into a template; each database is a copy
        pg.dropdb(db)
        pg.psql("postgres", "-c", 'CREATE DATABASE "%s" TEMPLATE "%s" STRATEGY FILE_COPY'
                % (db, dbs["seed"]))

    def check(label, fn):
        t0 = time.monotonic()
        try:
            detail, ok = fn() or "", True
        except CaseFailure as e:
            detail, ok = str(e), False
        except PgError as e:
            detail, ok = "PostgreSQL client error: %s" % e, False
        if ok and report.verbose:
            detail = "%s [%.1f s]" % (detail, time.monotonic() - t0)
        with lock:
            results.append((label, ok, detail))
        return ok

    def flush(order):
        # print this stage's results in a fixed order, whatever thread ran them
        rank = {label: i for i, label in enumerate(order)}
        with lock:
            done = sorted(results, key=lambda r: rank.get(r[0], len(order)))
            results.clear()
        for label, ok, detail in done:
            (report.ok if ok else report.fail)(name, label, detail)

    # --- stage 1: A (naive) and W (workload) beside the plan, B and D --------
    def naive():
        fresh(dbs["a"])
        p = pg.psql(dbs["a"], "-f", migration, check=False)
        if p.returncode != 0:
            raise CaseFailure("migration.sql fails on the seeded database:\n%s" % p.stderr[-2000:])

    def workload_valid():
        # The workload must only use what exists in every phase; at least it
        # must run on the seed and after the naive migration.
        fresh(dbs["w"])
        n = run_workload_once(pg, dbs["w"], workload, "on the seed")
        p = pg.psql(dbs["w"], "-f", migration, check=False)
        if p.returncode != 0:
            raise CaseFailure("migration.sql failed:\n%s" % p.stderr[-2000:])
        n += run_workload_once(pg, dbs["w"], workload, "after the naive migration")
        return "%d transactions on the seed and after the naive migration" % n

    state = {}

    def get():
        state["mig"] = get_plan(args.pgbelay, case_dir)
        return check_plan_shape(state["mig"], expect)

    def phases_b():
        b = Applier(pg, dbs["b"], tmpdir)
        fresh(dbs["b"])
        b.apply_all(state["mig"]["phases"])
        state["b_durations"] = list(b.durations)
        return "%d phases in %.2f s (%s)%s" % (
            len(b.durations), sum(b.durations), ", ".join("%.2f" % d for d in b.durations),
            ", %d lock-timeout retries" % b.retries if b.retries else "")

    def rollback():
        # D: every down part puts the schema back the way it was before its phase
        fresh(dbs["d"])
        d = Applier(pg, dbs["d"], tmpdir)
        checked, without = [], []
        for ph in state["mig"]["phases"]:
            if ph.get("down") is None:
                without.append(str(ph["number"]))
                d.apply_phase(ph)
                continue
            before = without_validity(dump_schema(pg, dbs["d"]))
            d.apply_phase(ph)
            d.apply_phase(ph, down=True)
            after = without_validity(dump_schema(pg, dbs["d"]))
            if before != after:
                raise CaseFailure(
                    "phase %d then its down part leave a different schema than before phase %d "
                    "(constraint validity ignored; - before, + after down)\n%s" % (
                        ph["number"], ph["number"],
                        short_diff("\n".join(before).split("\n"), "\n".join(after).split("\n"),
                                   "before", "after down")))
            d.apply_phase(ph)
            checked.append(str(ph["number"]))
        return "down of phase%s %s restore%s the schema%s" % (
            "s" if len(checked) != 1 else "", ", ".join(checked) or "(none)",
            "" if len(checked) != 1 else "s",
            "; no down: phase %s" % ", ".join(without) if without else "")

    def plan_side():
        if not check("plan", get):
            return
        if state["mig"].get("status") != "plan":
            return  # nothing to change, as expected: no phases to apply
        state["has_phases"] = True
        check("recipes", lambda: check_recipes(state["mig"], expect))
        check("plan claims", lambda: check_claims(state["mig"]))
        # B and D side by side: most of a backfill is its pause between batches
        def b():
            state["b_ok"] = check("phases apply (B)", phases_b)
        tb = threading.Thread(target=b, daemon=True)
        tb.start()
        check("rollback (D)", rollback)
        tb.join()

    try:
        def seed_template():
            pg.dropdb(dbs["seed"])
            pg.createdb(dbs["seed"])
            p = pg.psql(dbs["seed"], "-f", seed, check=False)
            if p.returncode != 0:
                raise CaseFailure("seed.sql fails on an empty database:\n%s" % p.stderr[-2000:])
            pg.psql(dbs["seed"], "-c", "VACUUM ANALYZE")
        if not check("seed", seed_template):
            flush([])
            return
        results.clear()  # the seed is reported only when it fails

        def naive_then_workload():
            state["a_ok"] = check("naive migration applies (A)", naive)
            check("workload runs before and after (W)", workload_valid)
        side = threading.Thread(target=naive_then_workload, daemon=True)
        side.start()
        plan_side()
        side.join()
        flush(["naive migration applies (A)", "workload runs before and after (W)", "plan",
               "recipes", "plan claims", "phases apply (B)", "rollback (D)"])
        if not state.get("has_phases"):
            return
        phases = state["mig"]["phases"]

        # --- stage 2: compare A and B ------------------------------------------
        if state.get("b_ok") and state.get("a_ok"):
            check("schema A == B", lambda: "%d statements equal%s" % (
                compare_schemas(pg, dbs["a"], dbs["b"], "A (naive)", "B (plan)",
                                names_may_differ),
                " (names of constraints and indexes ignored: %s)" % expect["names_may_differ"]
                if names_may_differ else ""))
            check("data A == B", lambda: compare_data(pg, dbs["a"], dbs["b"], expect))
            flush(["schema A == B", "data A == B"])

        # --- stage 3: C, the phases under the workload, alone on the server ------
        timeouts = [t for t in (lock_timeout_ms(ph) for ph in phases) if t]
        timeout_ms = max(timeouts) if timeouts else 0

        def phases_c():
            if not timeout_ms:
                raise CaseFailure("the plan sets no lock_timeout to hold the workload to")
            fresh(dbs["c"])
            c = Applier(pg, dbs["c"], tmpdir)
            # Under the workload a phase may take longer than alone, but not
            # ten times longer: fail early (and say why) instead of at 120 s.
            limits = None
            if len(state.get("b_durations", [])) == len(phases):
                limits = [min(PHASE_TIMEOUT, 20 + 3 * d) for d in state["b_durations"]]
            wl = Workload(pg, dbs["c"], workload, timeout_ms)
            wl.start()
            t0 = time.monotonic()
            err = None
            try:
                for i, ph in enumerate(phases):
                    if limits:
                        c.timeout_reason = "%.1f" % state["b_durations"][i]
                    c.apply_phase(ph, timeout=limits[i] if limits else None)
            except CaseFailure as e:
                err = e
            t1 = time.monotonic()
            wl.stop()
            ok, summary, details = wl.verdict(t0, t1)
            if err:
                raise CaseFailure("%s\n(workload: %s)%s" % (err, summary,
                                                            "\n" + details if details else ""))
            state["c_applied"] = True
            if not ok:
                raise CaseFailure("application statements failed while the phases ran "
                                  "(lock_timeout = statement_timeout = %d ms): %s\n%s"
                                  % (timeout_ms, summary, details))
            return "%s; lock_timeout = statement_timeout = %d ms%s" % (
                summary, timeout_ms,
                ", %d phase retries after lock timeout" % c.retries if c.retries else "")
        check("phases under workload (C)", phases_c)
        if state.get("b_ok") and state.get("c_applied"):
            check("schema C == B", lambda: "%d statements equal" % compare_schemas(
                pg, dbs["b"], dbs["c"], "B (plan)", "C (plan under workload)", False))
        flush(["phases under workload (C)", "schema C == B"])
    finally:
        flush([])
        if not args.keep:
            for db in dbs.values():
                try:
                    pg.dropdb(db)
                except PgError:
                    pass
        try:
            os.rmdir(tmpdir)
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pgbelay", default=os.environ.get("PGBELAY"),
                    help="the pgbelay executable (or $PGBELAY)")
    ap.add_argument("--root", default=ROOT_DEFAULT, help="repository root")
    ap.add_argument("--cases", default=None,
                    help="directory of case directories (default ROOT/testdata/plan/e2e)")
    ap.add_argument("--only", action="append", default=[],
                    help="run only cases whose name contains this (repeatable)")
    ap.add_argument("--pg-bindir", default=None,
                    help="PostgreSQL binaries (default $PGBELAY_PG_BINDIR or "
                         "/usr/lib/postgresql/15/bin)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the cluster directory and the databases (debugging)")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    if not args.pgbelay:
        ap.error("--pgbelay PATH is required")
    args.pgbelay = os.path.abspath(args.pgbelay)
    cases_dir = args.cases or os.path.join(args.root, "testdata", "plan", "e2e")
    try:
        names = sorted(n for n in os.listdir(cases_dir)
                       if os.path.isdir(os.path.join(cases_dir, n)))
    except OSError as e:
        print("plan_e2e: cannot list %s: %s" % (cases_dir, e), file=sys.stderr)
        return 2
    if args.only:
        names = [n for n in names if any(o in n for o in args.only)]
    if not names:
        print("plan_e2e: no case selected in %s" % cases_dir, file=sys.stderr)
        return 2

    # SIGTERM (a CI time-out, kill) unwinds like Ctrl-C so the cluster is removed.
    def on_term(*_):
        raise KeyboardInterrupt()
    signal.signal(signal.SIGTERM, on_term)
    report = Report(args.verbose)
    t0 = time.monotonic()
    try:
        with PgCluster(bindir=args.pg_bindir, keep=args.keep) as pg:
            if args.keep:
                print("cluster: PGHOST=%s PGPORT=%d PGUSER=postgres" % (pg.dir, pg.port))
            for n in names:
                t = time.monotonic()
                run_case(pg, args, n, os.path.join(cases_dir, n), report)
                if args.verbose:
                    print("     (%s: %.1f s)" % (n, time.monotonic() - t), flush=True)
    except PgError as e:
        print("plan_e2e: %s" % e, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("plan_e2e: interrupted; cluster stopped and removed", file=sys.stderr)
        return 130
    print("%d cases in %.1f s" % (len(names), time.monotonic() - t0), file=sys.stderr)
    print("%d passed, %d failed" % (report.passed, report.failed))
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
