#!/usr/bin/env python3
"""Seed corpora and the dictionary for the fuzz targets (tools/fuzz.sh).

Seeds are generated from the repository's testdata/ and the shared
migration corpus into a directory outside the repository; nothing here is
committed. Each seed starts with the target's selector bytes (the `seeds:`
line of the target's opening comment gives them as hex).

  fuzz_seeds.py seeds KIND PREFIX_HEX OUTDIR --root DIR [--corpus DIR]
  fuzz_seeds.py dict OUTFILE [--kwlist PATH]

KIND:
  sql          every *.sql file, one seed each (at most 64 KiB of it)
  dirs         migration directories as "==> NAME <==" containers (fuzz/fuzz.h):
               each project's files in name order, a few migrations per seed,
               with its side files (sqitch.plan, *.toml, *.conf, atlas.sum)
  schema       a schema dump, a "==> migration.sql <==" line, a migration
  config       a .pgbelay.yaml (testdata/config/*.yaml, any .pgbelay.yaml under
               testdata/), a "==> migration.sql <==" line, the .sql file of the
               same name or else every testdata/config/*.sql in turn
  lsp          language-server sessions, Content-Length framed: initialize, didOpen
               of a testdata/*.sql file under /tmp/pgbelay-fuzz-lsp/mig/, didChange,
               hover, codeAction, shutdown, exit
  glob:PATTERN files matching PATTERN (relative to --root, ** allowed), one each
"""
import argparse
import glob
import hashlib
import os
import re
import sys

SQL_CAP = 64 * 1024
SEED_CAP = 48 * 1024
FILES_PER_SEED = 8
SIDE = re.compile(r"(sqitch\.plan|\.toml|\.conf|atlas\.sum)$")


def write_seed(out, prefix, data):
    data = prefix + data
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


def sql_files(roots):
    for r in roots:
        for dp, dns, fns in os.walk(r):
            dns[:] = sorted(d for d in dns if not d.startswith("."))
            for fn in sorted(fns):
                if fn.endswith(".sql"):
                    yield os.path.join(dp, fn)


def read(path, cap):
    with open(path, "rb") as f:
        return f.read(cap)


def projects(root, corpus):
    """Directories whose whole tree is one migration set."""
    out = []
    for base in ("testdata/frameworks", "testdata/golden", "testdata/plan/e2e"):
        b = os.path.join(root, base)
        if os.path.isdir(b):
            out += [os.path.join(b, d) for d in sorted(os.listdir(b)) if os.path.isdir(os.path.join(b, d))]
    if corpus and os.path.isdir(corpus):
        out += [os.path.join(corpus, d) for d in sorted(os.listdir(corpus)) if os.path.isdir(os.path.join(corpus, d))]
    return out


def container(files):
    """Each file's text ends with a newline, so that the next header starts a line."""
    return b"".join(b"==> " + rel.encode() + b" <==\n" + data + (b"" if data.endswith(b"\n") else b"\n")
                    for rel, data in files)


def seeds_dirs(args, prefix):
    for proj in projects(args.root, args.corpus):
        sqls, sides = [], []
        for dp, dns, fns in os.walk(proj):
            dns[:] = sorted(d for d in dns if not d.startswith("."))
            for fn in sorted(fns):
                p = os.path.join(dp, fn)
                rel = os.path.relpath(p, proj)
                if fn.endswith(".sql"):
                    sqls.append(rel)
                elif SIDE.search(fn) and os.path.getsize(p) <= 8192:
                    sides.append((rel, read(p, 8192)))
        sqls.sort()
        for i in range(0, len(sqls), FILES_PER_SEED):
            chunk = [(rel, read(os.path.join(proj, rel), SEED_CAP // 2)) for rel in sqls[i:i + FILES_PER_SEED]]
            data = container(sides + chunk)
            write_seed(args.out, prefix, data[:SEED_CAP])


def seeds_schema(args, prefix):
    root = args.root
    pairs = []
    plan = os.path.join(root, "testdata/plan")
    seed = os.path.join(plan, "seed.sql")
    if os.path.isfile(seed):
        for d in sorted(os.listdir(plan)):
            for p in sorted(glob.glob(os.path.join(plan, d, "*.sql"))):
                pairs.append((seed, p))
    for d in sorted(glob.glob(os.path.join(plan, "e2e", "*"))):
        if os.path.isfile(os.path.join(d, "seed.sql")) and os.path.isfile(os.path.join(d, "migration.sql")):
            pairs.append((os.path.join(d, "seed.sql"), os.path.join(d, "migration.sql")))
    dump = os.path.join(root, "testdata/frameworks/plain/dump/structure.sql")
    if os.path.isfile(dump):
        for p in sorted(glob.glob(os.path.join(root, "testdata/golden/*.sql")))[:40]:
            pairs.append((dump, p))
    for s, m in pairs:
        write_seed(args.out, prefix, read(s, SEED_CAP) + b"\n==> migration.sql <==\n" + read(m, SEED_CAP // 2))


def seeds_config(args, prefix):
    root = args.root
    yamls = sorted(glob.glob(os.path.join(root, "testdata/config/*.yaml")))
    yamls += sorted(glob.glob(os.path.join(root, "testdata/**/.pgbelay.yaml"), recursive=True))
    sqls = sorted(glob.glob(os.path.join(root, "testdata/config/*.sql")))
    for y in yamls:
        same = os.path.splitext(y)[0] + ".sql"
        for m in ([same] if os.path.isfile(same) else sqls) or [None]:
            sql = read(m, SEED_CAP // 2) if m else b""
            write_seed(args.out, prefix, read(y, SEED_CAP) + b"\n==> migration.sql <==\n" + sql)


def frame(obj):
    import json
    body = json.dumps(obj).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def seeds_lsp(args, prefix):
    files = [p for p in sql_files([os.path.join(args.root, "testdata")])][:300]
    for i, p in enumerate(files):
        text = read(p, 16384).decode("utf-8", "replace")
        uri = "file:///tmp/pgbelay-fuzz-lsp/mig/%03d_%s" % (i, os.path.basename(p))
        line = max(text.count("\n") - 1, 0)
        msgs = [
            {"jsonrpc": "2.0", "id": 1, "method": "initialize",
             "params": {"processId": None, "rootUri": None,
                        "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"][i % 2:]}}}},
            {"jsonrpc": "2.0", "method": "initialized", "params": {}},
            {"jsonrpc": "2.0", "method": "textDocument/didOpen",
             "params": {"textDocument": {"uri": uri, "languageId": "sql", "version": 1, "text": text}}},
            {"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover",
             "params": {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 3}}},
            {"jsonrpc": "2.0", "id": 3, "method": "textDocument/codeAction",
             "params": {"textDocument": {"uri": uri},
                        "range": {"start": {"line": 0, "character": 0}, "end": {"line": line, "character": 0}},
                        "context": {"diagnostics": []}}},
            {"jsonrpc": "2.0", "method": "textDocument/didChange",
             "params": {"textDocument": {"uri": uri, "version": 2},
                        "contentChanges": [{"range": {"start": {"line": 0, "character": 0},
                                                      "end": {"line": 0, "character": 0}},
                                            "text": "SET lock_timeout = '1s';\n"}]}},
            {"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}},
            {"jsonrpc": "2.0", "id": 4, "method": "shutdown"},
            {"jsonrpc": "2.0", "method": "exit"},
        ]
        write_seed(args.out, prefix, b"".join(frame(m) for m in msgs))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("seeds")
    s.add_argument("kind")
    s.add_argument("prefix")
    s.add_argument("out")
    s.add_argument("--root", default=".")
    s.add_argument("--corpus")
    d = sub.add_parser("dict")
    d.add_argument("out")
    d.add_argument("--kwlist", default="/usr/include/postgresql/15/server/parser/kwlist.h")
    args = ap.parse_args()

    if args.cmd == "dict":
        words = []
        if os.path.isfile(args.kwlist):
            with open(args.kwlist) as f:
                words += re.findall(r'^PG_KEYWORD\("([a-z_]+)"', f.read(), re.M)
        # framework markers and file-name shapes (docs/frameworks.md)
        words += ["-- +goose Up", "-- +goose Down", "-- +goose StatementBegin", "-- +goose StatementEnd",
                  "-- +goose NO TRANSACTION", "-- +goose ENVSUB ON", "-- migrate:up", "-- migrate:down",
                  " transaction:false", "-- +migrate Up", "-- +migrate Down", " notransaction",
                  "---- create above / drop below ----", "---- tern: disable-tx ----", "{{ .x }}",
                  "-- Up Migration", "-- Down Migration", "--! Previous: ", "--! Hash: ", "--! Message: ",
                  "--! no-transaction", "-- no-transaction", "-- atlas:txmode none", "-- atlas:delimiter ",
                  "--liquibase formatted sql", "--changeset a:1", " runInTransaction:false",
                  " splitStatements:false", " endDelimiter:", "--rollback ", "/* liquibase rollback",
                  "--ignoreLines:", "${x}", ":PLACEHOLDER", "\\connect ", "COPY t FROM stdin;", "\\.",
                  "$$", "$a$", "/*", "*/", "--", "E'", "U&\"", "\"", "'", ";", "(", ")",
                  "==> ", " <==\n", ".up.sql", ".down.sql", "V1__", "U1__", "R__", "V1.1__",
                  "up.sql", "down.sql", "migration.sql", "metadata.toml", "run_in_transaction = false",
                  "executeInTransaction=false", "sqitch.plan", "deploy/", "revert/", "verify/",
                  "%project=x\n", "atlas.sum", "migration_lock.toml", "committed/", "current.sql",
                  "CONCURRENTLY", "NOT VALID", "VALIDATE CONSTRAINT", "SET lock_timeout = '1s'"]
        with open(args.out, "w") as f:
            for w in dict.fromkeys(words):
                esc = "".join(c if " " <= c <= "~" and c not in '"\\' else "\\x%02X" % ord(c) for c in w)
                f.write('"%s"\n' % esc)
        return 0

    os.makedirs(args.out, exist_ok=True)
    prefix = bytes.fromhex(args.prefix)
    if args.kind == "sql":
        roots = [os.path.join(args.root, "testdata")] + ([args.corpus] if args.corpus else [])
        for p in sql_files([r for r in roots if os.path.isdir(r)]):
            write_seed(args.out, prefix, read(p, SQL_CAP))
    elif args.kind == "dirs":
        seeds_dirs(args, prefix)
    elif args.kind == "schema":
        seeds_schema(args, prefix)
    elif args.kind == "config":
        seeds_config(args, prefix)
    elif args.kind == "lsp":
        seeds_lsp(args, prefix)
    elif args.kind.startswith("glob:"):
        for p in sorted(glob.glob(os.path.join(args.root, args.kind[5:]), recursive=True)):
            if os.path.isfile(p):
                write_seed(args.out, prefix, read(p, SQL_CAP))
    else:
        print("fuzz_seeds.py: unknown seed kind '%s'" % args.kind, file=sys.stderr)
        return 2
    print("fuzz_seeds.py: %d seeds in %s" % (len(os.listdir(args.out)), args.out), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
