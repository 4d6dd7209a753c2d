#!/usr/bin/env bash
# Runs the libFuzzer targets of fuzz/ (docs/testing.md, "Fuzzing").
#
#   tools/fuzz.sh TARGET|all SECONDS [libFuzzer options...]
#
# TARGET is a file name of fuzz/ without .c (fuzz_lint) or without the
# fuzz_ prefix (lint). Builds the targets (`zig build fuzz`; set
# PGBELAY_FUZZ_NO_BUILD=1 to skip), generates each target's seed corpus
# from testdata/ and the shared migration corpus (tools/fuzz_seeds.py, kind
# and selector bytes from the "seeds:" line of the target's opening
# comment), then fuzzes each target for SECONDS of wall time, one process.
#
# Work directory: $PGBELAY_FUZZ_DIR, default ~/.cache/pgbelay-fuzz (never
# inside the repository): <target>/seeds (regenerated every run),
# <target>/corpus (what the fuzzer found, kept between runs),
# <target>/crashes (crash, leak and timeout inputs), <target>/last.log.
# The shared corpus is $PGBELAY_CORPUS, default ../shared/corpus beside
# the repository when it exists. $PGBELAY_FUZZ_BIN is where the built
# targets are (default zig-out/fuzz; `zig build fuzz --prefix DIR` puts
# them in DIR/fuzz).
#
# Prints one line per target with runs, coverage, CPU seconds and the
# result; exits 1 when a target found a crash (the input is named on the
# line; reproduce with zig-out/fuzz/<target> <input>).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

if [ $# -lt 2 ]; then
  sed -n "2,25p" "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
WHICH=$1
SECONDS_EACH=$2
shift 2

WORK=${PGBELAY_FUZZ_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pgbelay-fuzz}
CORPUS=${PGBELAY_CORPUS:-}
if [ -z "$CORPUS" ] && [ -d "$ROOT/../shared/corpus" ]; then
  CORPUS=$(cd "$ROOT/../shared/corpus" && pwd)
fi
mkdir -p "$WORK"

if [ -z "${PGBELAY_FUZZ_NO_BUILD:-}" ]; then
  zig build fuzz ${PGBELAY_FUZZ_BIN:+--prefix "$(dirname "$PGBELAY_FUZZ_BIN")"} || exit 2
fi

targets=()
# a target whose " * needs: PATH..." files are missing is not built (build.zig)
needs_met() {
  local p
  for p in $(sed -n 's/^ \* needs: //p' "fuzz/$1.c"); do
    [ -e "$p" ] || return 1
  done
}
if [ "$WHICH" = all ]; then
  for f in fuzz/fuzz_*.c; do
    t=$(basename "$f" .c)
    if needs_met "$t"; then targets+=("$t"); else echo "fuzz.sh: $t skipped: $(sed -n 's/^ \* needs: //p' "$f") not in this tree"; fi
  done
else
  t=${WHICH%.c}
  t=${t#fuzz/}
  [ "${t#fuzz_}" = "$t" ] && t=fuzz_$t
  [ -f "fuzz/$t.c" ] || { echo "fuzz.sh: no target fuzz/$t.c" >&2; exit 2; }
  targets+=("$t")
fi

python3 tools/fuzz_seeds.py dict "$WORK/pgbelay.dict" || exit 2

# CPU seconds (user + system) used so far by this shell's finished children
# (`times` must run in this shell, not in a $(...) subshell)
child_cpu() {
  times >"$WORK/.times"
  awk 'NR == 2 {
    n = split($0, f, " "); s = 0
    for (i = 1; i <= n; i++) { m = f[i]; sub(/m.*/, "", m); x = f[i]; sub(/^[0-9]+m/, "", x); sub(/s$/, "", x); s += m * 60 + x }
    print s }' "$WORK/.times"
}

failed=0
npassed=0
nfailed=0
for t in "${targets[@]}"; do
  bin=${PGBELAY_FUZZ_BIN:-zig-out/fuzz}/$t
  [ -x "$bin" ] || { echo "fuzz.sh: $bin is missing (zig build fuzz)" >&2; exit 2; }
  read -r kind prefix < <(sed -n 's/^ \* seeds: //p' "fuzz/$t.c" | head -1)
  if [ -z "${kind:-}" ]; then
    echo "fuzz.sh: fuzz/$t.c has no 'seeds: KIND PREFIX' line" >&2
    exit 2
  fi
  d=$WORK/$t
  rm -rf "$d/seeds"
  mkdir -p "$d/seeds" "$d/corpus" "$d/crashes"
  python3 tools/fuzz_seeds.py seeds "$kind" "${prefix:-}" "$d/seeds" --root "$ROOT" ${CORPUS:+--corpus "$CORPUS"} ||
    exit 2
  start=$(date +%s)
  child_cpu >"$WORK/.before"
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    "$bin" -max_total_time="$SECONDS_EACH" -timeout=30 -rss_limit_mb=2048 -max_len=65536 \
    -dict="$WORK/pgbelay.dict" -artifact_prefix="$d/crashes/" -print_final_stats=1 "$@" \
    "$d/corpus" "$d/seeds" >"$d/last.log" 2>&1
  rc=$?
  wall=$(($(date +%s) - start))
  child_cpu >"$WORK/.after"
  cpu_s=$(awk -v a="$(cat "$WORK/.before")" -v b="$(cat "$WORK/.after")" 'BEGIN { printf "%.0f", b - a }')
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/last.log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$d/last.log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
  if [ "$rc" -eq 0 ]; then
    result=ok
    npassed=$((npassed + 1))
  else
    failed=1
    nfailed=$((nfailed + 1))
    art=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$d/last.log" | tail -1)
    result="FAILED (exit $rc${art:+, input $art})"
  fi
  echo "fuzz: $t: ${runs:-?} runs in ${wall}s wall, ${cpu_s}s CPU; cov ${cov:-?} ft ${ft:-?} corpus ${corp:-?}; $result"
  if [ "$rc" -ne 0 ]; then
    grep -E 'ERROR: |SUMMARY: |runtime error|==[0-9]+==' "$d/last.log" | head -20
    echo "  log: $d/last.log"
  fi
done
echo "fuzz: $npassed passed, $nfailed failed"
exit $failed
