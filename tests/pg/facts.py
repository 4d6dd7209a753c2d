#!/usr/bin/env python3
"""Proves pgbelay's lock facts and its replayed catalog on a real PostgreSQL 15.

facts    Every example of every rule (rules/*.yaml, those for PostgreSQL 15)
         and every case of tests/pg/facts/cases.sql (which exercise every row
         of the facts table, src/facts/facts.c) is given to
         `pgbelay facts --format json --schema tests/pg/facts/seed.sql`, then
         run statement by statement on a throw-away cluster seeded with the
         same seed.sql, inside BEGIN ... ROLLBACK. Around each statement the
         harness reads, in the same session:
           - pg_locks of its own backend (relation locks; catalog relations
             and locks held before the statement are left out),
           - pg_relation_filenode of every user relation (a new one for a
             table = table rewrite),
           - pg_stat_xact_user_tables.seq_scan (a full table scan; index
             builds and rewrites scan too).
         and compares with pgbelay's claims for that statement: the mode on
         each relation it names, the tables it says are rewritten, and the
         tables it says are scanned (scan, rewrite or index build).
         Statements pgbelay says cannot run in a transaction block are run
         in BEGIN ... ROLLBACK to see the server refuse them, then on a copy
         of the seeded database outside a transaction block while a second
         session holds ACCESS EXCLUSIVE on the relation pgbelay names first:
         the mode the statement waits for is read from pg_locks by a third
         session; rewrites and scans come from the statement's own session
         (pg_stat_user_tables after pg_stat_force_next_flush()).
         A fact key of the facts table that no case exercises fails, unless
         UNEXERCISED lists it with a reason.
catalog  Each migration set of CATALOG_SETS (testdata/ and ../shared/corpus)
         is applied statement by statement (the up parts, in the order
         `pgbelay facts` splits them) to an empty database; its schema
         (pg_catalog: relations, columns with type and nullability,
         constraints with validity, indexes, sequences, enum types) is
         compared with `pgbelay catalog --format json`.

Every difference fails, unless a KNOWN entry (each with its reason) matches
it: those are printed as "known" and counted. A KNOWN entry that matches
nothing fails too (it is stale).

    python3 tests/pg/facts.py --pgbelay zig-out/bin/pgbelay [--root DIR]
        [--only SUBSTRING] [--verbose] [--keep] [--no-catalog] [--no-facts]

`zig build test-facts` builds pgbelay and runs this (docs/testing.md).
Prints one line per check and ends with "N passed, M failed, K known".
Exit 1 when anything failed, 2 on a set-up error.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT_DEFAULT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(ROOT_DEFAULT, "tools"))
from pgcluster import PgCluster, PgError  # noqa: E402

try:
    import yaml  # python3-yaml (tools/setup.sh)
except ImportError:  # pragma: no cover
    print("facts.py: python3-yaml is missing; run tools/setup.sh", file=sys.stderr)
    sys.exit(2)

MODES = ["", "ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE",
         "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"]
PG_MODE = {"AccessShareLock": 1, "RowShareLock": 2, "RowExclusiveLock": 3,
           "ShareUpdateExclusiveLock": 4, "ShareLock": 5, "ShareRowExclusiveLock": 6,
           "ExclusiveLock": 7, "AccessExclusiveLock": 8}
RANK = {m: i for i, m in enumerate(MODES) if m}
TABLE_KINDS = "rpmv"  # table, partitioned table, materialized view, view
SEED_DB = "facts_seed"
# The weakest mode that conflicts with each mode (PostgreSQL's conflict table, manual:
# explicit-locking): a blocker holding it lets the statement's weaker requests through and stops
# the first request of the claimed mode or stronger.
BLOCKER = {8: 1, 7: 2, 6: 3, 5: 3, 4: 4, 3: 5, 2: 7, 1: 8}
NONTX_WAIT = 20  # seconds a statement may take to queue behind the blocker

# --- what differences are expected, and why -------------------------------------------------
# (case regex, aspect, difference regex, reason). Aspects: lock, unclaimed-lock, rewrite, scan,
# tx-block, error, catalog. A difference is "known" when all three regexes match.
KNOWN = [
    ("FOREIGN KEY|REFERENCES|VALIDATE CONSTRAINT", "scan",
     r"server scanned public\.(users|regions|tenants)\b.*claims no scan",
     "validating a foreign key joins the referenced table; pgbelay's scan names the table "
     "whose rows are checked"),
    ("TRUNCATE", "rewrite", r"server gave .* a new file",
     "TRUNCATE swaps in a new empty file; pgbelay's 'rewrite' means copying every row"),
    ("rule:add-column-not-null-no-default/bad/[012]", "error", r"contains null values",
     "the rule's point: NOT NULL without a default fails on a table with rows; the lock is "
     "checked by the case add-column-not-null-no-default-empty-table"),
    ("", "catalog", r"^column .* of a (view|materialized view) is in the database, not in pgbelay",
     "the catalog records views and materialized views by name and the relations they read, not "
     "their columns (those come from the query)"),
    ("rule:syntax-error/", "syntax", "",
     "the examples of the rule syntax-error are not valid SQL"),
    ("SET ACCESS METHOD heap", "rewrite", r"claims a rewrite",
     "setting the access method a table already has is a no-op; pgbelay does not record access "
     "methods and claims the rewrite that a real change makes"),
    (r"VACUUM", "scan", r"claims a scan of .* the server did not scan it",
     "VACUUM reads the table's pages through its own path, which pg_stat does not count as a "
     "sequential scan"),
    (r"TRUNCATE", "scan", r"server scanned .* claims no scan",
     "pg_stat counts a sequential scan for TRUNCATE on PostgreSQL 15.18 (observed); pgbelay's "
     "TRUNCATE facts are about the lock and the lost rows"),
    (r"VACUUM \(FULL, ANALYZE\)|CLUSTER;", "rewrite", r"server gave .* a new file",
     "without a table name the statement rewrites every table (VACUUM FULL) or every clustered "
     "one; pgbelay claims the lock and the rewrite without naming them"),
]

# Fact keys no case exercises on PostgreSQL 15, with the reason.
UNEXERCISED = {
    "NONE": "not a row",
    "DETACH_FINALIZE": "needs a DETACH ... CONCURRENTLY interrupted half-way, which cannot be "
                       "arranged without cancelling a backend at the right moment",
}

# Extra set-up for rule examples whose objects clash with the seed (run before the example,
# inside the same transaction or on the same database copy; given to pgbelay in --schema too).
EXAMPLE_PREP = {
    "add-unique-builds-index/bad/1": "ALTER TABLE users DROP CONSTRAINT users_pkey CASCADE;",
    "add-unique-builds-index/good/0": "CREATE UNIQUE INDEX users_email_key ON users (email);",
    "detach-partition-non-concurrent/good/0":
        "DROP TABLE events; CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at); "
        "CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO "
        "('2024-01-01');",
    "drop-index-non-concurrent/bad/0": "CREATE INDEX users_email_idx ON users (email);",
    "drop-index-non-concurrent/good/0": "CREATE INDEX users_email_idx ON users (email);",
    "reindex-non-concurrent/bad/0": "CREATE INDEX users_email_idx ON users (email);",
    "reindex-non-concurrent/good/0": "CREATE INDEX users_email_idx ON users (email);",
    "drop-schema/good/0": "DROP MATERIALIZED VIEW reporting.daily_totals;",
    "concurrently-retry-unsafe/good/1": "CREATE INDEX orders_customer_idx ON orders (customer_id);",
    "backfill-in-schema-migration/good/1": "ALTER TABLE users ADD COLUMN full_name text;",
}
# Objects some examples assume and others create: made when an example names one without
# creating it.
ASSUMED = {"users_email_idx": "CREATE INDEX users_email_idx ON users (email);"}


# --- reporting ------------------------------------------------------------------------------
class Report:
    def __init__(self, verbose):
        self.verbose = verbose
        self.passed = self.failed = self.known = 0
        self.known_used = set()

    def ok(self, what, detail=""):
        self.passed += 1
        if self.verbose:
            print("ok    %s%s" % (what, (": " + detail) if detail else ""))

    def fail(self, what, lines):
        self.failed += 1
        print("FAIL  %s" % what)
        for l in lines:
            print("      " + l)

    def differences(self, case, what, diffs):
        case = what  # the case name and its statement: KNOWN case regexes see both
        """diffs: list of (aspect, message). Known ones are counted, the rest fail."""
        bad = []
        for aspect, msg in diffs:
            k = known_gap(case, aspect, msg)
            if k is not None:
                self.known += 1
                self.known_used.add(k)
                if self.verbose:
                    print("known %s: %s (%s)" % (what, msg, KNOWN[k][3]))
            else:
                bad.append("%s: %s" % (aspect, msg))
        if bad:
            self.fail(what, bad)
        else:
            self.ok(what)


def known_gap(case, aspect, msg):
    for i, (cre, asp, mre, _why) in enumerate(KNOWN):
        if asp == aspect and re.search(cre, case) and re.search(mre, msg):
            return i
    return None


def qualify(name):
    if name is None:
        return None
    return name if "." in name else "public." + name


# --- inputs -----------------------------------------------------------------------------------
class Case:
    def __init__(self, name, sql, prep=""):
        self.name, self.sql, self.prep = name, sql, prep
        self.claims = None  # pgbelay's statements (JSON)


def load_examples(root):
    cases, skipped = [], 0
    for f in sorted(glob.glob(os.path.join(root, "rules", "*.yaml"))):
        d = yaml.safe_load(open(f, encoding="utf-8"))
        rid = d["id"]
        for kind in ("bad", "good"):
            for i, e in enumerate((d.get("examples") or {}).get(kind) or []):
                meta = e if isinstance(e, dict) else {"sql": e}
                if meta.get("pg_version", 15) != 15:
                    skipped += 1  # a fact of another version; PostgreSQL 15 cannot show it
                    continue
                key = "%s/%s/%d" % (rid, kind, i)
                prep = EXAMPLE_PREP.get(key, "")
                for name, sql in ASSUMED.items():
                    if name in meta["sql"] and not re.search(r"CREATE\s[^;]*\b%s\b" % name, meta["sql"]) \
                            and sql not in prep:
                        prep = (prep + " " + sql).strip()
                cases.append(Case("rule:" + key, meta["sql"], prep))
    return cases, skipped


def load_fact_cases(root):
    text = open(os.path.join(root, "tests", "pg", "facts", "cases.sql"), encoding="utf-8").read()
    cases = []
    for m in re.finditer(r"^-- case: (\S+)\n(.*?)(?=^-- case: |\Z)", text, re.S | re.M):
        cases.append(Case("case:" + m.group(1), m.group(2)))
    return cases


CREATE_RE = re.compile(r"\bCREATE\s+(?:UNIQUE\s+)?(TABLE|INDEX|MATERIALIZED\s+VIEW|VIEW)\s+"
                       r"(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?([\w.]+)", re.I)


def auto_prep(case, seed_rels):
    """Drops seed relations the case creates anew (CREATE TABLE users ... in a 'new table'
    example), so that the CREATE runs."""
    drops = []
    for kind, name in CREATE_RE.findall(case.sql):
        q = qualify(name.lower())
        if q in seed_rels and ("DROP %s" % q) not in " ".join(drops):
            kind = re.sub(r"\s+", " ", kind.upper())
            drops.append("DROP %s IF EXISTS %s CASCADE;" % (kind, q))
    return " ".join(drops)


# --- pgbelay's claims -----------------------------------------------------------------------
def run_pgbelay(args, *argv, check=True):
    p = subprocess.run([args.pgbelay, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if check and p.returncode not in (0,):
        raise PgError("pgbelay %s failed (exit %d): %s" % (" ".join(argv), p.returncode, p.stderr))
    return p


def get_claims(args, cases, seed_path, tmp):
    groups = {}
    for c in cases:
        groups.setdefault(c.prep, []).append(c)
    for n, (prep, group) in enumerate(sorted(groups.items())):
        schema = os.path.join(tmp, "schema%d.sql" % n)
        with open(schema, "w", encoding="utf-8") as f:
            f.write(open(seed_path, encoding="utf-8").read() + "\n" + prep + "\n")
        paths = []
        for i, c in enumerate(group):
            d = os.path.join(tmp, "c%d_%d" % (n, i))
            os.makedirs(d)
            path = os.path.join(d, "001_case.sql")
            with open(path, "w", encoding="utf-8") as f:
                f.write(c.sql)
            paths.append(path)
        p = run_pgbelay(args, "facts", "--format", "json", "--schema", schema, *paths, check=False)
        if p.returncode != 0:
            raise PgError("pgbelay facts failed (exit %d): %s" % (p.returncode, p.stderr))
        doc = json.loads(p.stdout)
        by_path = {}
        for f in doc["files"]:  # a file with several migrations (dbmate, goose) has several entries
            if f["path"] in by_path:
                by_path[f["path"]]["statements"] += f["statements"]
                by_path[f["path"]]["errors"] += f["errors"]
            else:
                by_path[f["path"]] = f
        for c, path in zip(group, paths):
            c.claims = by_path.get(path)


# --- server observations ----------------------------------------------------------------------
SNAP_SQL = """SELECT 'C', c.oid::text, n.nspname || '.' || c.relname, c.relkind::text,
       coalesce(pg_relation_filenode(c.oid)::text, '')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'
UNION ALL
SELECT 'L', l.relation::text, l.mode, l.granted::text, '' FROM pg_locks l
 WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation'
UNION ALL
SELECT 'X', i.indexrelid::text, i.indrelid::text, '', '' FROM pg_index i
 WHERE i.indrelid >= 16384
UNION ALL
SELECT 'S', s.relid::text, s.seq_scan::text, '', '' FROM %s s;"""


class Snap:
    def __init__(self):
        self.rel = {}  # oid -> (name, relkind, filenode)
        self.locks = set()  # (oid, rank) granted
        self.scans = {}  # oid -> seq_scan
        self.index_table = {}  # index oid -> table oid

    def add(self, row):
        t = row[0]
        if t == "C":
            self.rel[row[1]] = (row[2], row[3], row[4])
        elif t == "L" and row[3] == "true" and row[2] in PG_MODE:
            self.locks.add((row[1], PG_MODE[row[2]]))
        elif t == "S":
            self.scans[row[1]] = int(row[2])
        elif t == "X":
            self.index_table[row[1]] = row[2]


def parse_script_output(out):
    """Splits psql output into snapshots by '@@snap k' markers; returns ({k: Snap}, last run k)."""
    snaps, cur, last_run = {}, None, 0
    for line in out.splitlines():
        if line.startswith("@@snap "):
            cur = Snap()
            snaps[int(line.split()[1])] = cur
            continue
        if line.startswith("@@run "):
            last_run = int(line.split()[1])
            cur = None
            continue
        if cur is not None and "\t" in line:
            cur.add(line.split("\t"))
    return snaps, last_run


def statement_sql(s):
    t = s["statement"].rstrip()
    return t if t.endswith(";") else t + ";"


def psql_script(pg, db, script, timeout=120):
    return pg.run("psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", db,
                  input=script, check=False, timeout=timeout)


def observe_in_tx(pg, db, prep, stmts, commit=False):
    """Runs prep, then each statement, in one transaction; a snapshot before and after each.
    Returns (snaps, error, failed_index)."""
    lines = ["BEGIN;"]
    if prep:
        lines.append(prep)
    lines += ["\\echo @@snap 0", SNAP_SQL % "pg_stat_xact_user_tables"]
    for k, s in enumerate(stmts, 1):
        lines += ["\\echo @@run %d" % k, statement_sql(s), "\\echo @@snap %d" % k,
                  SNAP_SQL % "pg_stat_xact_user_tables"]
    lines.append("COMMIT;" if commit else "ROLLBACK;")
    p = psql_script(pg, db, "\n".join(lines) + "\n")
    snaps, last_run = parse_script_output(p.stdout)
    if p.returncode != 0:
        err = " ".join(l for l in p.stderr.splitlines() if "ERROR" in l or "DETAIL" in l)
        return snaps, err or p.stderr.strip(), (last_run if last_run else 0)
    return snaps, None, None


def compare(before, after, st, is_ddl_rel=None):
    """Differences between the server's change from `before` to `after` and the claims `st`."""
    diffs = []
    names = {}
    for oid, (name, kind, _fn) in list(before.rel.items()) + list(after.rel.items()):
        names.setdefault(name, oid)
    byname_before = {v[0]: k for k, v in before.rel.items()}
    byname_after = {v[0]: k for k, v in after.rel.items()}

    def resolve(name):
        q = qualify(name)
        return byname_before.get(q) or byname_after.get(q)

    def name_of(oid):
        r = after.rel.get(oid) or before.rel.get(oid)
        return r[0] if r else "oid %s" % oid

    def kind_of(oid):
        r = before.rel.get(oid) or after.rel.get(oid)
        return r[1] if r else "?"

    new = after.locks - before.locks
    obs, held = {}, {}
    for oid, rank in new:
        obs[oid] = max(obs.get(oid, 0), rank)
    for oid, rank in before.locks:
        held.setdefault(oid, set()).add(rank)
    claimed = {}
    for l in st["locks"]:
        if l["relation"] is None:
            continue
        oid = resolve(l["relation"])
        want = RANK[l["mode"]]
        if oid is None:
            diffs.append(("lock", "claims %s on %s, which the server does not have"
                          % (l["mode"], qualify(l["relation"]))))
            continue
        claimed[oid] = want
        got = obs.get(oid, 0)
        if got == want or (got < want and want in held.get(oid, ())):
            continue
        diffs.append(("lock", "claims %s on %s; the server took %s" % (
            l["mode"], name_of(oid), MODES[got] if got else "no new lock")))
    for oid, rank in sorted(obs.items()):
        if oid in claimed or kind_of(oid) not in TABLE_KINDS or rank == RANK["ACCESS SHARE"]:
            continue
        diffs.append(("unclaimed-lock", "the server took %s on %s" % (MODES[rank], name_of(oid))))
    # rewrites: a new file for a table that existed before
    claimed_rw = {resolve(n) for n in st["rewrites"]}
    for oid, (name, kind, fn) in sorted(before.rel.items()):
        if kind not in "rm" or oid not in after.rel:
            continue
        rewritten = after.rel[oid][2] != fn
        if rewritten and oid not in claimed_rw:
            diffs.append(("rewrite", "server gave %s a new file (rewrite); pgbelay claims none"
                          % name))
        elif not rewritten and oid in claimed_rw:
            diffs.append(("rewrite", "claims a rewrite of %s; the server kept its file" % name))
    # an index given a new file is rebuilt: its table must be claimed rewritten or indexed
    claimed_build = {resolve(n) for n in st["index_builds"]}
    for oid, (name, kind, fn) in sorted(before.rel.items()):
        if kind != "i" or oid not in after.rel or after.rel[oid][2] == fn:
            continue
        table = before.index_table.get(oid)
        if table not in claimed_rw and table not in claimed_build:
            diffs.append(("rewrite", "server gave index %s of %s a new file (rebuilt); pgbelay claims "
                          "neither a rewrite nor an index build" % (name, name_of(table))))
    # scans
    claimed_scan = {resolve(n) for n in st["scans"] + st["index_builds"]}
    ddl = {oid for oid, want in claimed.items() if want >= RANK["SHARE UPDATE EXCLUSIVE"]}
    for oid in sorted(set(before.scans) | set(after.scans)):
        if oid not in before.rel:
            continue
        scanned = after.scans.get(oid, 0) > before.scans.get(oid, 0)
        if scanned and oid not in claimed_scan and oid not in claimed_rw and oid in ddl:
            diffs.append(("scan", "server scanned %s; pgbelay claims no scan" % name_of(oid)))
        elif not scanned and oid in claimed_scan and kind_of(oid) in "rm":
            diffs.append(("scan", "claims a scan of %s; the server did not scan it" % name_of(oid)))
    return diffs


# --- statements that cannot run in a transaction block ---------------------------------------
def clone_db(pg, name):
    pg.psql("postgres", "-c", 'DROP DATABASE IF EXISTS "%s"' % name)
    pg.psql("postgres", "-c", 'CREATE DATABASE "%s" TEMPLATE %s' % (name, SEED_DB))


def refuses_in_tx(pg, db, st):
    p = psql_script(pg, db, "BEGIN;\n%s\nROLLBACK;\n" % statement_sql(st))
    return p.returncode != 0 and "transaction block" in p.stderr, p.stderr.strip()


def observe_outside_tx(pg, db, st):
    """Runs `st` in autocommit while a blocker holds ACCESS EXCLUSIVE on the first relation
    pgbelay names (a table); returns (diffs, info)."""
    diffs = []
    target = None
    snap0 = observe_in_tx(pg, db, "", [])[0].get(0)
    byname = {v[0]: (k, v[1]) for k, v in snap0.rel.items()} if snap0 else {}
    for l in st["locks"]:
        if l["relation"] and byname.get(qualify(l["relation"]), (None, ""))[1] in "rpm":
            target = l
            break
    blocker = None
    if target:
        blocker = subprocess.Popen(
            [pg.bin("psql"), "-X", "-q", "-d", db], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=pg.env)
        blocker.stdin.write("BEGIN;\nLOCK TABLE %s IN %s MODE;\n\\echo @@locked\n"
                            % (qualify(target["relation"]), MODES[BLOCKER[RANK[target["mode"]]]]))
        blocker.stdin.flush()
        if blocker.stdout.readline().strip() != "@@locked":
            blocker.kill()
            return [("lock", "blocker could not lock %s" % target["relation"])], ""
    script = "\n".join([
        "SET application_name = 'pgbelay_facts_b';", "SET stats_fetch_consistency = none;",
        "SELECT pg_stat_force_next_flush();", "\\echo @@snap 0", SNAP_SQL % "pg_stat_user_tables",
        "\\echo @@run 1", statement_sql(st), "SELECT pg_stat_force_next_flush();",
        "\\echo @@snap 1", SNAP_SQL % "pg_stat_user_tables"]) + "\n"
    b = subprocess.Popen([pg.bin("psql"), "-X", "-q", "-A", "-t", "-F", "\t", "-v",
                          "ON_ERROR_STOP=1", "-d", db], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=pg.env)
    # the script goes in on a thread: a statement that waits must not block the harness
    feeder = threading.Thread(target=lambda: (b.stdin.write(script), b.stdin.close()))
    feeder.start()
    waited = None
    granted = {}
    if target:
        deadline = time.time() + NONTX_WAIT
        while time.time() < deadline and waited is None:
            rows = pg.query(db, "SELECT n.nspname || '.' || c.relname, l.mode, l.granted "
                                "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                                "JOIN pg_class c ON c.oid = l.relation "
                                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                                "WHERE a.application_name = 'pgbelay_facts_b' "
                                "AND l.locktype = 'relation'")
            for name, mode, g in rows:
                if g == "f":
                    waited = (name, PG_MODE.get(mode, 0))
                elif mode in PG_MODE:
                    granted[name] = max(granted.get(name, 0), PG_MODE[mode])
            if waited is None:
                time.sleep(0.05)
        blocker.stdin.write("ROLLBACK;\n")
        blocker.stdin.close()
        blocker.wait(timeout=60)
    feeder.join()
    b.stdin = None  # closed by the feeder
    try:
        out, err = b.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        b.kill()
        b.communicate()
        return [("error", "statement did not finish")], ""
    if b.returncode != 0:
        return [("error", err.strip())], ""
    tq = qualify(target["relation"]) if target else None
    if target:
        if waited is None:
            diffs.append(("lock", "claims %s on %s; the statement never waited behind a %s lock "
                          "on it" % (target["mode"], tq, MODES[BLOCKER[RANK[target["mode"]]]])))
        elif waited[0] != tq:
            diffs.append(("lock", "the statement first waited for %s on %s, not on %s"
                          % (MODES[waited[1]], waited[0], tq)))
        elif waited[1] != RANK[target["mode"]]:
            diffs.append(("lock", "claims %s on %s; the server asked for %s"
                          % (target["mode"], tq, MODES[waited[1]])))
    snaps, _ = parse_script_output(out)
    if 0 in snaps and 1 in snaps:
        st2 = dict(st, locks=[])  # locks were checked above; compare rewrites and scans
        diffs += [d for d in compare(snaps[0], snaps[1], st2) if d[0] in ("rewrite", "scan")]
        # scans on the claimed table count for DDL even without a claimed mode >= SUE
        if target and RANK[target["mode"]] >= RANK["SHARE UPDATE EXCLUSIVE"]:
            s0, s1 = snaps[0], snaps[1]
            oid = {v[0]: k for k, v in s0.rel.items()}.get(tq)
            claimed_scan = {qualify(n) for n in st["scans"] + st["rewrites"] + st["index_builds"]}
            if oid and s1.scans.get(oid, 0) > s0.scans.get(oid, 0) and tq not in claimed_scan:
                diffs.append(("scan", "server scanned %s; pgbelay claims no scan" % tq))
    info = "waited for %s on %s" % (MODES[waited[1]], waited[0]) if waited else "no lock wait"
    return diffs, info


# --- the facts check ------------------------------------------------------------------------
def check_case(pg, rep, case, nontx_serial):
    f = case.claims
    if f is None:
        rep.fail(case.name, ["pgbelay printed no claims for it"])
        return set()
    keys = set()
    stmts = []
    for s in f["statements"]:
        for op in s["ops"]:
            keys.update(op["facts"])
        if s["kind"] == "TransactionStmt":
            continue  # the harness owns the transaction
        stmts.append(s)
    if f["errors"]:
        rep.differences(case.name, case.name, [("syntax", e["message"]) for e in f["errors"]])
        return keys
    nontx = any(s["transaction_block"] == "not allowed" for s in stmts)
    if not nontx:
        snaps, err, failed = observe_in_tx(pg, SEED_DB, case.prep, stmts)
        for k, s in enumerate(stmts, 1):
            what = "%s #%d %s" % (case.name, k, s["statement"].splitlines()[0][:70])
            if err is not None and k >= failed:
                if k == failed:
                    tx = "transaction block" in err and s["transaction_block"] == "allowed"
                    rep.differences(case.name, what, [("tx-block" if tx else "error", err)])
                break
            rep.differences(case.name, what, compare(snaps[k - 1], snaps[k], s))
            if s["transaction_block"] == "required":
                p = psql_script(pg, SEED_DB, statement_sql(s) + "\n")
                if p.returncode == 0:
                    rep.fail(what, ["tx-block: claims it must run in a transaction block; the "
                                    "server ran it outside one"])
        return keys
    db = "facts_nontx_%d" % nontx_serial
    clone_db(pg, db)
    if case.prep:
        p = psql_script(pg, db, case.prep + "\n")
        if p.returncode != 0:
            rep.fail(case.name, ["prep failed: " + p.stderr.strip()])
            return keys
    for k, s in enumerate(stmts, 1):
        what = "%s #%d %s" % (case.name, k, s["statement"].splitlines()[0][:70])
        if s["transaction_block"] == "not allowed":
            refused, msg = refuses_in_tx(pg, db, s)
            diffs = [] if refused else [("tx-block", "claims it cannot run in a transaction "
                                          "block; the server ran it in one (%s)" % msg)]
            d2, info = observe_outside_tx(pg, db, s)
            rep.differences(case.name, what, diffs + d2)
            if rep.verbose and info:
                print("      (%s)" % info)
            if any(d[0] == "error" for d in d2):
                break
        else:
            snaps, err, _ = observe_in_tx(pg, db, "", [s], commit=True)
            if err is not None:
                rep.differences(case.name, what, [("error", err)])
                break
            rep.differences(case.name, what, compare(snaps[0], snaps[1], s))
    pg.psql("postgres", "-c", 'DROP DATABASE IF EXISTS "%s"' % db)
    return keys


def check_facts(args, pg, rep, tmp):
    seed = os.path.join(args.root, "tests", "pg", "facts", "seed.sql")
    examples, skipped = load_examples(args.root)
    cases = load_fact_cases(args.root) + examples
    seed_rels = {r[0] for r in pg.query(SEED_DB, "SELECT n.nspname || '.' || c.relname FROM "
                                                 "pg_class c JOIN pg_namespace n ON "
                                                 "n.oid = c.relnamespace WHERE c.relkind IN "
                                                 "('r','p','m','v','i')")}
    for c in cases:
        auto = auto_prep(c, seed_rels)
        c.prep = (c.prep + " " + auto).strip()
    if args.only:
        cases = [c for c in cases if args.only in c.name]
    get_claims(args, cases, seed, tmp)
    keys = set()
    for i, c in enumerate(cases):
        keys |= check_case(pg, rep, c, i)
    print("facts: %d cases (%d rule examples for other PostgreSQL versions not run)"
          % (len(cases), skipped))
    if not args.only:
        allkeys = fact_keys(args.root)
        missing = sorted(k for k in allkeys if k not in keys and k not in UNEXERCISED)
        if missing:
            rep.fail("facts table coverage", ["no case exercises %s" % k for k in missing])
        else:
            rep.ok("facts table coverage", "%d of %d keys exercised" % (len(keys & allkeys),
                                                                       len(allkeys)))


def fact_keys(root):
    text = open(os.path.join(root, "src", "facts", "facts.h"), encoding="utf-8").read()
    return set(re.findall(r"^\s*PB_FACT_([A-Z_]+)\b", text, re.M)) - {"_COUNT"}


# --- the catalog check ------------------------------------------------------------------------
CORPUS = "@corpus"  # --corpus (default: ../shared/corpus beside the project root)
CATALOG_SETS = [
    "testdata/examples",
    *("testdata/frameworks/%s" % d for d in (
        "atlas/migrations", "dbmate/db", "diesel/migrations", "flyway/sql",
        "golang-migrate/migrations", "goose/migrations", "graphile-migrate/migrations",
        "liquibase/changelog", "node-pg-migrate/migrations", "plain/alembic", "plain/django",
        "plain/dump", "prisma/migrations", "refinery/migrations", "sqitch", "sql-migrate/migrations",
        "sqlx/migrations", "tern/migrations")),
    CORPUS + "/crates.io/migrations",
    CORPUS + "/kratos/persistence/sql/migrations/sql",
    CORPUS + "/hatchet/cmd/hatchet-migrate/migrate/migrations",
    CORPUS + "/openfga/assets/migrations/postgres",
    CORPUS + "/temporal/schema/postgresql",
    CORPUS + "/harbor/make/migrations/postgresql",
    CORPUS + "/river/riverdriver/riverpgxv5/migration",
    CORPUS + "/langfuse/packages/shared/prisma/migrations",
    CORPUS + "/supabase-postgres/migrations/db",
]
# Sets whose migrations do not apply on a plain PostgreSQL 15 (the catalog of those is not
# compared), with the reason; a set listed here that applies fails (the list is stale).
NOT_APPLYING = {
    "testdata/examples": "independent examples of one change (003 and 004 are two versions of it), "
                         "not one migration history",
    "testdata/frameworks/flyway/sql": "Flyway placeholders (${...}) that the tool expands",
    "testdata/frameworks/goose/migrations": "goose environment substitutions (${...})",
    "testdata/frameworks/graphile-migrate/migrations": "graphile-migrate placeholders (:NAME)",
    "testdata/frameworks/liquibase/changelog": "Liquibase property substitutions (${...})",
    "testdata/frameworks/tern/migrations": "tern templates ({{ ... }})",
    "testdata/frameworks/plain/alembic": "a fixture of the mistake it is linted for: CREATE INDEX "
                                         "CONCURRENTLY inside the transaction alembic writes",
    "testdata/frameworks/plain/django": "a fixture of sqlmigrate output whose files are named so "
                                        "that 0002 runs before the 0001 it needs",
    "corpus/kratos/persistence/sql/migrations/sql": "the column identities.external_id is added "
                                                    "by a migration that is not among the SQL files",
    "corpus/temporal/schema/postgresql": "the schemas of two databases (temporal, visibility) and "
                                         "two versions under one directory",
    "corpus/harbor/make/migrations/postgresql": "migrations edit golang-migrate's own "
                                                "schema_migrations table, which the tool creates",
    "corpus/river/riverdriver/riverpgxv5/migration": "/* TEMPLATE: schema */ comments the tool "
                                                     "replaces with a schema name",
    "corpus/supabase-postgres/migrations/db": "needs Supabase's roles and extensions",
    "corpus/hatchet/cmd/hatchet-migrate/migrate/migrations":
        "its tables named *_new are created by dynamic SQL (EXECUTE format(...)) that no SQL "
        "statement shows",
}

SQL_TYPES = {"integer": "int4", "bigint": "int8", "smallint": "int2", "boolean": "bool",
             "character varying": "varchar", "character": "bpchar", "double precision": "float8",
             "real": "float4", "timestamp without time zone": "timestamp",
             "timestamp with time zone": "timestamptz", "time without time zone": "time",
             "time with time zone": "timetz", "bit varying": "varbit", '"char"': "char"}


def db_type(s):
    dims = 0
    while s.endswith("[]"):
        s, dims = s[:-2], dims + 1
    m = re.match(r"^(.*?)(?:\((\d+)(?:,(\d+))?\))?( with(?:out)? time zone)?$", s)
    base = (m.group(1) + (m.group(4) or "")).strip()
    mods = [int(x) for x in (m.group(2), m.group(3)) if x is not None]
    base = SQL_TYPES.get(base, base)
    base = base.split(".")[-1].strip('"')
    return base, tuple(mods), dims


def pb_type(t):
    if t is None:
        return None
    mods = tuple(t["typmods"] or ())
    if t["name"] == "numeric" and len(mods) == 1:
        mods = (mods[0], 0)
    return t["name"].split(".")[-1], mods, t["array_dims"]


def type_str(t):
    return "%s%s%s" % (t[0], "(%s)" % ",".join(map(str, t[1])) if t[1] else "", "[]" * t[2])


DB_SCHEMA_SQL = r"""
WITH ext AS (SELECT objid FROM pg_depend WHERE deptype = 'e' AND classid = 'pg_class'::regclass),
rel AS (SELECT c.oid, n.nspname, c.relname, c.relkind FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_'
           AND c.oid NOT IN (SELECT objid FROM ext))
SELECT 'R', nspname || '.' || relname, relkind::text, '', '', '' FROM rel WHERE relkind IN ('r','p','v','m')
UNION ALL
SELECT 'A', r.nspname || '.' || r.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull::text,
       CASE WHEN a.attgenerated <> '' THEN 'generated' WHEN a.atthasdef THEN 'default' ELSE '' END
  FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid
 WHERE r.relkind IN ('r','p','v','m') AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'K', r.nspname || '.' || r.relname, co.conname, co.contype::text, co.convalidated::text,
       coalesce((SELECT string_agg(a.attname, ',' ORDER BY k.i) FROM unnest(co.conkey) WITH ORDINALITY k(n, i)
                   JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.n), '')
       || '|' || coalesce((SELECT n2.nspname || '.' || c2.relname FROM pg_class c2
                             JOIN pg_namespace n2 ON n2.oid = c2.relnamespace WHERE c2.oid = co.confrelid), '')
  FROM rel r JOIN pg_constraint co ON co.conrelid = r.oid WHERE co.contype IN ('p','u','f','c','x')
UNION ALL
SELECT 'I', r.nspname || '.' || ic.relname, r.nspname || '.' || r.relname, i.indisunique::text,
       (i.indpred IS NOT NULL)::text,
       coalesce((SELECT string_agg(CASE WHEN k.n = 0 THEN '' ELSE a.attname END, ',' ORDER BY k.i)
                   FROM unnest(i.indkey[0:i.indnkeyatts - 1]) WITH ORDINALITY k(n, i)
                   LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n), '')
  FROM rel r JOIN pg_index i ON i.indrelid = r.oid JOIN pg_class ic ON ic.oid = i.indexrelid
UNION ALL
SELECT 'S', r.nspname || '.' || r.relname, format_type(s.seqtypid, NULL),
       coalesce((SELECT n2.nspname || '.' || c2.relname || '.' || a.attname FROM pg_depend d
                   JOIN pg_class c2 ON c2.oid = d.refobjid JOIN pg_namespace n2 ON n2.oid = c2.relnamespace
                   JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid AND d.deptype IN ('a','i')
                    AND d.refclassid = 'pg_class'::regclass LIMIT 1), ''), '', ''
  FROM rel r JOIN pg_sequence s ON s.seqrelid = r.oid
UNION ALL
SELECT 'E', n.nspname || '.' || t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder), '', '', ''
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
 WHERE t.oid NOT IN (SELECT objid FROM pg_depend WHERE deptype = 'e')
 GROUP BY n.nspname, t.typname
UNION ALL
SELECT 'N', nspname, '', '', '', '' FROM pg_namespace
 WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'public') AND nspname !~ '^pg_'
"""

CONTYPE = {"p": "PRIMARY KEY", "u": "UNIQUE", "f": "FOREIGN KEY", "c": "CHECK", "x": "EXCLUDE"}
RELKIND = {"r": "table", "p": "table", "v": "view", "m": "materialized view"}


def db_schema(pg, db):
    s = {"rel": {}, "col": {}, "con": {}, "idx": {}, "seq": {}, "enum": {}, "schemas": set()}
    for row in pg.query(db, DB_SCHEMA_SQL):
        t = row[0]
        if t == "R":
            s["rel"][row[1]] = RELKIND[row[2]]
        elif t == "A":
            s["col"][(row[1], row[2])] = (db_type(row[3]), row[4] == "true", row[5])
        elif t == "K":
            cols, ref = row[5].rsplit("|", 1)
            s["con"][(row[1], row[2])] = (CONTYPE[row[3]], row[4] == "true", cols.split(",") if cols else [],
                                          ref or None)
        elif t == "I":
            cols = row[5].split(",") if row[5] else []
            cols = [] if row[4] == "true" else [c for c in cols if c]
            s["idx"][row[1]] = (row[2], row[3] == "true", cols)
        elif t == "S":
            s["seq"][row[1]] = (row[2], row[3] or None)
        elif t == "E":
            s["enum"][row[1]] = row[2].split(",")
        elif t == "N":
            s["schemas"].add(row[1])
    return s


def pb_schema_of(doc):
    s = {"rel": {}, "col": {}, "con": {}, "idx": {}, "seq": {}, "enum": {}, "schemas": set()}

    def q(schema, name):
        return "%s.%s" % (schema or "public", name)
    for r in doc["relations"]:
        rn = q(r["schema"], r["name"])
        s["rel"][rn] = r["kind"]
        for c in r["columns"]:
            s["col"][(rn, c["name"])] = (pb_type(c["type"]), c["not_null"],
                                         "generated" if c["generated"] else "default" if c["default"] else "")
        for c in r["constraints"]:
            s["con"][(rn, c["name"])] = (c["kind"], c["validated"], c["columns"], qualify(c["references"]))
    for x in doc["indexes"]:
        s["idx"][q(x["schema"], x["name"])] = (qualify(x["table"]), x["unique"], x["columns"])
    for x in doc["sequences"]:
        s["seq"][q(x["schema"], x["name"])] = (
            x["type"], ("%s.%s" % (qualify(x["owned_by"]), x["owned_by_column"])) if x["owned_by"] else None)
    for x in doc["enums"]:
        s["enum"][q(x["schema"], x["name"])] = x["values"]
    s["schemas"] = set(doc["schemas"]) - {"public"}
    return s


def diff_schema(db, pb):
    d = []
    for name in sorted(set(db["rel"]) | set(pb["rel"])):
        if name not in pb["rel"]:
            d.append("%s %s is in the database, not in pgbelay's catalog" % (db["rel"][name], name))
        elif name not in db["rel"]:
            d.append("%s %s is in pgbelay's catalog, not in the database" % (pb["rel"][name], name))
        elif db["rel"][name] != pb["rel"][name]:
            d.append("%s is a %s in the database, a %s in pgbelay's catalog"
                     % (name, db["rel"][name], pb["rel"][name]))
    both = set(db["rel"]) & set(pb["rel"])
    for key in sorted(set(db["col"]) | set(pb["col"])):
        if key[0] not in both:
            continue
        a, b = db["col"].get(key), pb["col"].get(key)
        col = "column %s.%s" % key
        if db["rel"].get(key[0]) in ("view", "materialized view"):
            col = "column %s.%s of a %s" % (key[0], key[1], db["rel"][key[0]])
        if b is None:
            d.append("%s is in the database, not in pgbelay's catalog" % col)
        elif a is None:
            d.append("%s is in pgbelay's catalog, not in the database" % col)
        else:
            if b[0] is None:
                d.append("%s has no type in pgbelay's catalog (%s in the database)" % (col, type_str(a[0])))
            elif a[0] != b[0]:
                d.append("%s is %s in the database, %s in pgbelay's catalog"
                         % (col, type_str(a[0]), type_str(b[0])))
            if a[1] != b[1]:
                d.append("%s is %s in the database, %s in pgbelay's catalog" % (
                    col, "NOT NULL" if a[1] else "nullable", "NOT NULL" if b[1] else "nullable"))
            if a[2] != b[2]:
                d.append("%s has %s in the database, %s in pgbelay's catalog" % (
                    col, a[2] or "no default", b[2] or "no default"))
    for key in sorted(set(db["con"]) | set(pb["con"])):
        if key[0] not in both:
            continue
        a, b = db["con"].get(key), pb["con"].get(key)
        con = "constraint %s on %s" % (key[1], key[0])
        if b is None:
            d.append("%s (%s) is in the database, not in pgbelay's catalog" % (con, a[0]))
        elif a is None:
            d.append("%s (%s) is in pgbelay's catalog, not in the database" % (con, b[0]))
        else:
            cols_a, cols_b = (sorted(a[2]), sorted(b[2])) if a[0] == "CHECK" else (a[2], b[2])
            if (a[0], cols_a, a[3]) != (b[0], cols_b, b[3]):
                d.append("%s is %s (%s)%s in the database, %s (%s)%s in pgbelay's catalog" % (
                    con, a[0], ",".join(a[2]), " REFERENCES " + a[3] if a[3] else "",
                    b[0], ",".join(b[2]), " REFERENCES " + b[3] if b[3] else ""))
            if a[1] != b[1]:
                d.append("%s is %s in the database, %s in pgbelay's catalog" % (
                    con, "validated" if a[1] else "NOT VALID", "validated" if b[1] else "NOT VALID"))
    for name in sorted(set(db["idx"]) | set(pb["idx"])):
        a, b = db["idx"].get(name), pb["idx"].get(name)
        if b is None:
            if a[0] in both or a[0] not in db["rel"]:
                d.append("index %s on %s is in the database, not in pgbelay's catalog" % (name, a[0]))
        elif a is None:
            d.append("index %s on %s is in pgbelay's catalog, not in the database" % (name, b[0]))
        elif a != b:
            d.append("index %s is %son %s (%s) in the database, %son %s (%s) in pgbelay's catalog" % (
                name, "UNIQUE " if a[1] else "", a[0], ",".join(a[2]), "UNIQUE " if b[1] else "", b[0],
                ",".join(b[2])))
    for name in sorted(set(db["seq"]) | set(pb["seq"])):
        a, b = db["seq"].get(name), pb["seq"].get(name)
        if b is None:
            d.append("sequence %s is in the database, not in pgbelay's catalog" % name)
        elif a is None:
            d.append("sequence %s is in pgbelay's catalog, not in the database" % name)
        elif a[1] != b[1]:
            d.append("sequence %s is owned by %s in the database, by %s in pgbelay's catalog"
                     % (name, a[1] or "nothing", b[1] or "nothing"))
    for name in sorted(set(db["enum"]) | set(pb["enum"])):
        a, b = db["enum"].get(name), pb["enum"].get(name)
        if b is None:
            d.append("type %s is in the database, not in pgbelay's catalog" % name)
        elif a is None:
            d.append("type %s is in pgbelay's catalog, not in the database" % name)
        elif a != b:
            d.append("type %s has the values %s in the database, %s in pgbelay's catalog"
                     % (name, a, b))
    for name in sorted(db["schemas"] ^ pb["schemas"]):
        d.append("schema %s is only in %s" % (name, "the database" if name in db["schemas"]
                                               else "pgbelay's catalog"))
    return d


def check_catalog(args, pg, rep, tmp):
    for n, rel in enumerate(CATALOG_SETS):
        if rel.startswith(CORPUS):
            if not args.corpus:
                continue
            path = os.path.normpath(args.corpus + rel[len(CORPUS):])
            rel = "corpus" + rel[len(CORPUS):]
        else:
            path = os.path.normpath(os.path.join(args.root, rel))
        if args.only and args.only not in rel:
            continue
        what = "catalog " + rel
        if not os.path.isdir(path):
            rep.fail(what, ["no such directory: " + path])
            continue
        p = run_pgbelay(args, "facts", "--format", "json", path, check=False)
        if p.returncode not in (0,) or not p.stdout:
            rep.fail(what, ["pgbelay facts failed (exit %d): %s" % (p.returncode, p.stderr.strip()[:500])])
            continue
        files = json.loads(p.stdout)["files"]
        script = []
        for f in files:
            # the tool's transaction: goose, dbmate, diesel... wrap each part in one
            wrapped = f["transaction"] != "none" and f["statements"]
            if wrapped:
                script.append("BEGIN;")
            for s in f["statements"]:
                if s["kind"] == "CopyStmt" and re.search(r"\bstdin\b", s["statement"], re.I):
                    continue  # its data lines are not statements (pgbelay erases them)
                script.append("\\echo @@stmt %s:%d" % (f["path"], s["line"]))
                if wrapped and s["transaction_block"] == "not allowed":
                    # what the tool would refuse; run it outside so that the rest is compared
                    script += ["COMMIT;", statement_sql(s), "BEGIN;"]
                    continue
                script.append(statement_sql(s))
            if wrapped:
                script.append("COMMIT;")
        db = "facts_cat_%d" % n
        pg.psql("postgres", "-c", 'DROP DATABASE IF EXISTS "%s"' % db)
        pg.createdb(db)
        r = pg.run("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, input="\n".join(script) + "\n",
                   check=False, timeout=600)
        if r.returncode != 0:
            where = [l for l in r.stdout.splitlines() if l.startswith("@@stmt ")]
            err = "%s: %s" % (where[-1][7:] if where else "?", " ".join(
                l for l in r.stderr.splitlines() if "ERROR" in l)[:300])
            if rel in NOT_APPLYING:
                rep.ok(what, "does not apply on plain PostgreSQL 15 (%s): %s" % (NOT_APPLYING[rel], err))
            else:
                rep.fail(what, ["does not apply on plain PostgreSQL 15: " + err])
            pg.dropdb(db)
            continue
        if rel in NOT_APPLYING:
            rep.fail(what, ["listed in NOT_APPLYING but applies on PostgreSQL 15"])
        c = run_pgbelay(args, "catalog", "--format", "json", path, check=False)
        if not c.stdout:
            rep.fail(what, ["pgbelay catalog failed (exit %d): %s" % (c.returncode, c.stderr.strip()[:500])])
            pg.dropdb(db)
            continue
        doc = json.loads(c.stdout)["sets"][0]
        dbs = db_schema(pg, db)
        diffs = diff_schema(dbs, pb_schema_of(doc))
        rep.differences(rel, what + " (%d statements; compared %d relations, %d columns, %d constraints, "
                        "%d indexes, %d sequences, %d enum types)" % (
                            sum(len(f["statements"]) for f in files), len(dbs["rel"]), len(dbs["col"]),
                            len(dbs["con"]), len(dbs["idx"]), len(dbs["seq"]), len(dbs["enum"])),
                        [("catalog", x) for x in diffs])
        pg.dropdb(db)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pgbelay", required=True)
    ap.add_argument("--root", default=ROOT_DEFAULT)
    ap.add_argument("--only")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--no-facts", action="store_true")
    ap.add_argument("--no-catalog", action="store_true")
    ap.add_argument("--corpus", help="the real-world corpus (default: ../shared/corpus beside "
                                     "--root; skipped with a message when missing)")
    args = ap.parse_args()
    if not args.corpus:
        d = os.path.join(args.root, "..", "shared", "corpus")
        if os.path.isdir(d):
            args.corpus = d
        else:
            print("catalog: no corpus at %s; its sets are not checked (--corpus DIR)" % d)
    elif not os.path.isdir(args.corpus):
        ap.error("--corpus %s: no such directory" % args.corpus)
    args.pgbelay = os.path.abspath(args.pgbelay)
    rep = Report(args.verbose)
    t0 = time.time()
    tmp = tempfile.mkdtemp(prefix="pgbelay-facts-")
    try:
        # a zone with an offset: timestamp <-> timestamptz rewrites unless the migration sets
        # TimeZone to UTC (which a case does); see KNOWN for UTC servers
        # no autovacuum: nothing but the statement under test touches the tables' files,
        # statistics or locks
        with PgCluster(keep=args.keep, settings={"timezone": "'America/New_York'",
                                                 "autovacuum": "off"}) as pg:
            ts = os.path.join(pg.dir, "facts_ts")
            pg._server("sh", "-c", 'mkdir -p "$1"', "sh", ts)
            pg.psql("postgres", "-c", "CREATE TABLESPACE facts_ts LOCATION '%s'" % ts)
            pg.createdb(SEED_DB)
            pg.psql(SEED_DB, "-f", os.path.join(args.root, "tests", "pg", "facts", "seed.sql"))
            pg.psql(SEED_DB, "-c", "ANALYZE")
            if not args.no_facts:
                check_facts(args, pg, rep, tmp)
            if not args.no_catalog:
                check_catalog(args, pg, rep, tmp)
    except PgError as e:
        print("facts.py: %s" % e, file=sys.stderr)
        return 2
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    if not args.only:
        for i, k in enumerate(KNOWN):
            # (a catalog gap may come from the corpus, which may be absent)
            if i not in rep.known_used and not (args.no_facts and k[1] != "catalog") and not (
                    (args.no_catalog or not args.corpus) and k[1] == "catalog"):
                rep.fail("known gap no longer seen", ["%s %s %s: %s" % k])
    print("%d passed, %d failed, %d known (%.0fs)" % (rep.passed, rep.failed, rep.known,
                                                      time.time() - t0))
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main())
