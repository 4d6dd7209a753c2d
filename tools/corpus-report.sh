#!/usr/bin/env bash
# Regenerates the numbers of docs/corpus.md: runs pgbelay over each project of
# the real-world corpus (../shared/corpus, see its README.md) and prints the
# Markdown tables to standard output.
#
#   tools/corpus-report.sh                # from the repository root
#   SANITIZE=1 tools/corpus-report.sh     # also run the whole corpus once with
#                                         # the sanitizer build
#
# Settings from the environment:
#   CORPUS      corpus directory (default: ../shared/corpus next to the repo)
#   PGBELAY     pgbelay binary (default: zig-out/bin/pgbelay; built if missing)
#   OUT         directory for the raw JSON output (default: a new temp dir)
#   SANITIZE    1: build with -Dsanitize=true into $SAN_PREFIX and lint the
#               whole corpus with it (default: 0)
#   SAN_PREFIX  install prefix of the sanitizer build (default: /tmp/pb-san)
#   ZIG         zig executable (default: zig)
#   LINT_ARGS   extra arguments for every `pgbelay lint` run (default: none),
#               e.g. `--framework plain` on versions that have that option
#   PGBELAY_COMMIT  commit to print when PGBELAY was not built from this
#               checkout's HEAD (default: `git rev-parse --short HEAD`)
#
# Each project directory is linted twice with `--format json`: as pgbelay
# reads it by default (the run most tables report; plain SQL up to 5263f1a)
# and with `--assume-in-transaction` (only for the transaction table at the
# end). Only bash and the python3 standard library are needed. The corpus is
# only read.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CORPUS=${CORPUS:-$ROOT/../shared/corpus}
PGBELAY=${PGBELAY:-$ROOT/zig-out/bin/pgbelay}
ZIG=${ZIG:-zig}
SANITIZE=${SANITIZE:-0}
SAN_PREFIX=${SAN_PREFIX:-/tmp/pb-san}
read -r -a LINT_EXTRA <<<"${LINT_ARGS:-}"
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/corpus-report.XXXXXX")}
PROJECTS=(crates.io kratos hatchet openfga supabase-postgres temporal harbor river langfuse)

if [ ! -d "$CORPUS" ]; then
  echo "corpus-report: corpus not found at $CORPUS (set CORPUS)" >&2
  exit 2
fi
CORPUS=$(cd "$CORPUS" && pwd)
if [ ! -x "$PGBELAY" ]; then
  (cd "$ROOT" && "$ZIG" build) >&2
fi
mkdir -p "$OUT"

for p in "${PROJECTS[@]}"; do
  if [ ! -d "$CORPUS/$p" ]; then
    echo "corpus-report: missing project directory $CORPUS/$p" >&2
    exit 2
  fi
  # Exit status 0 (clean) and 1 (findings) are the expected ones; anything
  # else is recorded and reported, not fatal here.
  rc=0
  "$PGBELAY" lint --format json ${LINT_EXTRA[@]+"${LINT_EXTRA[@]}"} "$CORPUS/$p" >"$OUT/$p.json" 2>"$OUT/$p.stderr" || rc=$?
  echo "$rc" >"$OUT/$p.rc"
  rc=0
  "$PGBELAY" lint --format json --assume-in-transaction ${LINT_EXTRA[@]+"${LINT_EXTRA[@]}"} "$CORPUS/$p" \
    >"$OUT/$p.tx.json" 2>"$OUT/$p.tx.stderr" || rc=$?
  echo "$rc" >"$OUT/$p.tx.rc"
done

if [ "$SANITIZE" = 1 ]; then
  (cd "$ROOT" && "$ZIG" build -Dsanitize=true --prefix "$SAN_PREFIX") >&2
  rc=0
  ASAN_OPTIONS=verify_asan_link_order=0 "$SAN_PREFIX/bin/pgbelay" lint --format json \
    ${LINT_EXTRA[@]+"${LINT_EXTRA[@]}"} "$CORPUS" \
    >/dev/null 2>"$OUT/sanitize.stderr" || rc=$?
  echo "$rc" >"$OUT/sanitize.rc"
fi

if [ -n "${PGBELAY_COMMIT:-}" ]; then
  commit=$PGBELAY_COMMIT
else
  commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  # Local changes to what is built (not to docs/ or tools/) would make the
  # commit hash misleading; say so.
  if ! git -C "$ROOT" diff --quiet HEAD -- src include rules build.zig build.zig.zon 2>/dev/null; then
    commit="$commit (with uncommitted changes to the linter)"
  fi
fi

python3 - "$OUT" "$CORPUS" "$commit" "$("$PGBELAY" --version)" "$SANITIZE" "${LINT_ARGS:-}" "${PROJECTS[@]}" <<'PY'
import json, os, re, sys, datetime, collections

out, corpus, commit, version, sanitize, lint_args = sys.argv[1:7]
projects = sys.argv[7:]
extra = (' ' + lint_args) if lint_args.strip() else ''

def load(p, suffix):
    with open(os.path.join(out, p + suffix + '.json'), 'rb') as f:
        raw = f.read()
    try:
        return json.loads(raw)
    except ValueError:
        return None

def read(path):
    with open(path, 'rb') as f:
        return f.read()

def rel(path):
    return os.path.relpath(path, corpus)

def line_of(data, offset):
    return data.count(b'\n', 0, offset) + 1

GOOSE_DOWN = re.compile(rb'(?im)^[ \t]*--[ \t]*\+goose[ \t]+down\b')
DBMATE_DOWN = re.compile(rb'(?im)^[ \t]*--[ \t]*migrate:down\b')
GOOSE_UP = re.compile(rb'(?im)^[ \t]*--[ \t]*\+goose[ \t]+up\b')
DBMATE_UP = re.compile(rb'(?im)^[ \t]*--[ \t]*migrate:up\b')
MARKER = re.compile(rb'(?im)^[ \t]*--[ \t]*(\+goose\b|migrate:)')
GOOSE_NOTX = re.compile(rb'(?im)^[ \t]*--[ \t]*\+goose[ \t]+no[ \t]+transaction\b')
GOOSE_BLOCK = re.compile(rb'(?im)^[ \t]*--[ \t]*\+goose[ \t]+statementbegin\b')
DBMATE_NOTX = re.compile(rb'(?im)^[ \t]*--[ \t]*migrate:(up|down)\b[^\n]*transaction:false')
DIESEL_NOTX = re.compile(rb'(?m)^[ \t]*run_in_transaction[ \t]*=[ \t]*false')

def rollback_start(path, data):
    """Byte offset where the rollback part of a file starts, or None."""
    name = os.path.basename(path)
    if name == 'down.sql' or name.endswith('.down.sql'):
        return 0
    m = GOOSE_DOWN.search(data) or DBMATE_DOWN.search(data)
    return m.start() if m else None

def runner_skips_transaction(path, data):
    if GOOSE_NOTX.search(data) or DBMATE_NOTX.search(data):
        return True
    meta = os.path.join(os.path.dirname(path), 'metadata.toml')
    return os.path.isfile(meta) and bool(DIESEL_NOTX.search(read(meta)))

runs = {p: load(p, '') for p in projects}
txruns = {p: load(p, '.tx') for p in projects}
any_pg = next((r['pg_version'] for r in runs.values() if r), '?')

print('## Run')
print()
print('| | |')
print('|---|---|')
print('| command | `tools/corpus-report.sh`, which runs `pgbelay lint --format json%s CORPUS/PROJECT` '
      'for each project (and once more with `--assume-in-transaction`, for the last table only) |' % extra)
print('| pgbelay | %s, commit `%s` |' % (version.strip(), commit))
print('| date | %s |' % datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d'))
print('| target | `--pg-version` default (%s) |' % any_pg)
print('| corpus | `%s` (see its README.md) |' % corpus)
print()

# --- per project summary -----------------------------------------------------
print('## Per project')
print()
print('"exit" is the exit status of the plain run (1 = findings at warning or above); '
      '"stderr" is what it wrote to standard error. A crash would show as an exit '
      'status other than 0 or 1, output that is not JSON, or text on standard error.')
print()
print('| project | files | statements | errors | warnings | infos | syntax errors | unreadable | exit | stderr | crashed |')
print('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|')
tot = collections.Counter()
crashed_any = False
for p in projects:
    r = runs[p]
    rc = int(open(os.path.join(out, p + '.rc')).read())
    err = os.path.getsize(os.path.join(out, p + '.stderr'))
    crashed = r is None or rc not in (0, 1) or err > 0
    crashed_any |= crashed
    if r is None:
        print('| %s | ? | ? | ? | ? | ? | ? | ? | %d | %d B | **yes** (output is not JSON) |' % (p, rc, err))
        continue
    s = r['summary']
    se = sum(1 for f in r['files'] for d in f['diagnostics'] if d['rule'] == 'syntax-error')
    for k in ('files', 'statements', 'errors', 'warnings', 'infos', 'unreadable_files'):
        tot[k] += s[k]
    tot['syntax'] += se
    print('| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d B | %s |' % (
        p, s['files'], s['statements'], s['errors'], s['warnings'], s['infos'], se,
        s['unreadable_files'], rc, err, '**yes**' if crashed else 'no'))
print('| **total** | %d | %d | %d | %d | %d | %d | %d | | | %s |' % (
    tot['files'], tot['statements'], tot['errors'], tot['warnings'], tot['infos'],
    tot['syntax'], tot['unreadable_files'], '**yes**' if crashed_any else 'no'))
print()

# --- findings per rule ---------------------------------------------------------
counts = {p: collections.Counter() for p in projects}
codes = {}
for p in projects:
    if not runs[p]:
        continue
    for f in runs[p]['files']:
        for d in f['diagnostics']:
            counts[p][d['rule']] += 1
            codes[d['rule']] = d['code']
rules = sorted(codes, key=lambda r: codes[r])
print('## Findings per rule')
print()
print('Rows are projects, columns the rules that fired (by code; `pgbelay explain RULE`).')
print()
print('| project | ' + ' | '.join('%s `%s`' % (codes[r], r) for r in rules) + ' | total |')
print('|---|' + '---:|' * (len(rules) + 1))
col = collections.Counter()
for p in projects:
    row = [counts[p][r] for r in rules]
    for r in rules:
        col[r] += counts[p][r]
    print('| %s | ' % p + ' | '.join(str(v) if v else '' for v in row) + ' | %d |' % sum(row))
print('| **total** | ' + ' | '.join(str(col[r]) for r in rules) + ' | %d |' % sum(col.values()))
print()

# --- syntax errors -----------------------------------------------------------------
print('## Syntax errors')
print()
print('"lines" is the span of the statement the parser rejected; "crosses a marker" says '
      'whether that span contains a `-- +goose ...` or `-- migrate:...` line, i.e. whether '
      'reading the file as plain SQL joined two parts the migration tool keeps apart.')
print()
print('| file:line | message | lines | crosses a marker |')
print('|---|---|---|---|')
n = 0
for p in projects:
    if not runs[p]:
        continue
    for f in runs[p]['files']:
        for d in f['diagnostics']:
            if d['rule'] != 'syntax-error':
                continue
            n += 1
            data = read(f['path'])
            s, e = d['statement']['start'], d['statement']['end']
            cross = bool(MARKER.search(data[s:e]))
            print('| `%s:%d` | %s | %d-%d | %s |' % (
                rel(f['path']), d['start']['line'], d['message'].replace('|', '\\|'),
                line_of(data, s), line_of(data, max(s, e - 1)), 'yes' if cross else 'no'))
if n == 0:
    print('| (none) | | | |')
print()

# --- reading files as plain SQL ----------------------------------------------------
print('## Reading files as plain SQL')
print()
print('Counted on the files pgbelay linted. "rollback" = a `down.sql` / `*.down.sql` file, or the '
      'part of a file after `-- +goose Down` / `-- migrate:down`. Markers are matched '
      'case-insensitively. "opt out" = files their runner does not wrap in a transaction: '
      'goose `-- +goose NO TRANSACTION`, dbmate `transaction:false`, diesel '
      '`run_in_transaction = false` in the migration\'s `metadata.toml`.')
print()
print('| project | files | rollback files | files with an Up and a Down part | goose `StatementBegin` files | opt out | files of more than one statement | findings | findings in rollback parts |')
print('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
T = collections.Counter()
for p in projects:
    r = runs[p]
    if not r:
        continue
    c = collections.Counter()
    for f in r['files']:
        data = read(f['path'])
        c['files'] += 1
        name = os.path.basename(f['path'])
        if name == 'down.sql' or name.endswith('.down.sql'):
            c['downfiles'] += 1
        elif (GOOSE_UP.search(data) and GOOSE_DOWN.search(data)) or (DBMATE_UP.search(data) and DBMATE_DOWN.search(data)):
            c['updown'] += 1
        if GOOSE_BLOCK.search(data):
            c['block'] += 1
        if runner_skips_transaction(f['path'], data):
            c['optout'] += 1
        if f['statements'] > 1:
            c['multi'] += 1
        rb = rollback_start(f['path'], data)
        for d in f['diagnostics']:
            c['findings'] += 1
            if rb is not None and d['start']['offset'] >= rb:
                c['rollback'] += 1
    T.update(c)
    print('| %s | %d | %d | %d | %d | %d | %d | %d | %d |' % (
        p, c['files'], c['downfiles'], c['updown'], c['block'], c['optout'],
        c['multi'], c['findings'], c['rollback']))
print('| **total** | %d | %d | %d | %d | %d | %d | %d | %d |' % (
    T['files'], T['downfiles'], T['updown'], T['block'], T['optout'],
    T['multi'], T['findings'], T['rollback']))
print()

print('### `non-transactional-in-transaction` if every file were wrapped in a transaction')
print()
print('Second run with `--assume-in-transaction`. The plain run reports this rule only inside an '
      'explicit `BEGIN`.')
print()
print('| project | plain run | with `--assume-in-transaction` | in files | of those findings: in opt-out files | in files of one statement | in other files |')
print('|---|---:|---:|---:|---:|---:|---:|')
T = collections.Counter()
for p in projects:
    r, t = runs[p], txruns[p]
    if not r or not t:
        continue
    plain = sum(1 for f in r['files'] for d in f['diagnostics'] if d['rule'] == 'non-transactional-in-transaction')
    c = collections.Counter()
    for f in t['files']:
        ds = [d for d in f['diagnostics'] if d['rule'] == 'non-transactional-in-transaction']
        if not ds:
            continue
        c['files'] += 1
        c['all'] += len(ds)
        if runner_skips_transaction(f['path'], read(f['path'])):
            c['optout'] += len(ds)
        elif f['statements'] == 1:
            c['single'] += len(ds)
        else:
            c['other'] += len(ds)
    c['plain'] = plain
    T.update(c)
    print('| %s | %d | %d | %d | %d | %d | %d |' % (p, plain, c['all'], c['files'], c['optout'], c['single'], c['other']))
print('| **total** | %d | %d | %d | %d | %d | %d |' % (T['plain'], T['all'], T['files'], T['optout'], T['single'], T['other']))
print()
others = []
for p in projects:
    t = txruns[p]
    if not t:
        continue
    for f in t['files']:
        ds = [d for d in f['diagnostics'] if d['rule'] == 'non-transactional-in-transaction']
        if ds and not runner_skips_transaction(f['path'], read(f['path'])) and f['statements'] > 1:
            others.append('`%s` (%d statements, %d findings)' % (rel(f['path']), f['statements'], len(ds)))
if others:
    print('"Other files": ' + '; '.join(others) + '.')
    print()

if sanitize == '1':
    rc = int(open(os.path.join(out, 'sanitize.rc')).read())
    err = read(os.path.join(out, 'sanitize.stderr'))
    report = b'Sanitizer' in err or b'runtime error' in err or b'ERROR: AddressSanitizer' in err
    print('## Sanitizer run')
    print()
    print('`zig build -Dsanitize=true --prefix SAN_PREFIX`, then '
          '`ASAN_OPTIONS=verify_asan_link_order=0 SAN_PREFIX/bin/pgbelay lint --format json%s CORPUS > /dev/null`: '
          'exit status %d, %d bytes on standard error, sanitizer report: %s.' % (
              extra, rc, len(err), '**yes**' if report else 'none'))
    print()
PY
echo "raw output: $OUT" >&2
