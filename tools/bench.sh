#!/usr/bin/env bash
# pgbelay benchmark (`zig build bench`; docs/benchmarks.md explains it).
#
# Measures, on the real-world corpus (../shared/corpus, override with
# CORPUS=DIR) and on one large file made from it:
#   - libpg_query's raw parse alone (pgbelay-rawparse): the ceiling
#   - pgbelay lint --jobs 1 and pgbelay lint (one job per CPU)
#   - squawk (PyPI squawk-cli, pinned below) on the same .sql files
# Wall time and peak RSS come from /usr/bin/time; every measurement runs
# RUNS times (default 11) after one warm-up run, round-robin, and the
# median, min and max are reported; a measurement whose warm-up took more
# than 5 s runs SLOW_RUNS times (default 5) instead. Results: a Markdown
# table on stdout and in bench-out/results.md; raw samples in
# bench-out/samples.tsv, tool output of the warm-up run in bench-out/logs/.
#
# Environment: CORPUS (default ../shared/corpus), RUNS (default 11),
# SLOW_RUNS (default 5), ZIG (default zig, else /usr/local/bin/zig).
set -euo pipefail
export LC_ALL=C

SQUAWK_VERSION=2.70.0 # newest on PyPI when this script was written

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
OUT=$ROOT/bench-out
CORPUS=${CORPUS:-../shared/corpus}
RUNS=${RUNS:-11}
SLOW_RUNS=${SLOW_RUNS:-5}
for v in RUNS SLOW_RUNS; do
    if ! [[ ${!v} =~ ^[0-9]+$ ]] || ((${!v} < 5)); then
        echo "bench: $v must be a number >= 5 (got '${!v}')" >&2
        exit 2
    fi
done
((SLOW_RUNS <= RUNS)) || SLOW_RUNS=$RUNS
[[ -d $CORPUS ]] || { echo "bench: corpus directory '$CORPUS' not found (set CORPUS=DIR)" >&2; exit 2; }
CORPUS=$(cd "$CORPUS" && pwd)
case "$OUT/" in "$CORPUS"/*) echo "bench: bench-out must not be inside the corpus" >&2; exit 2 ;; esac
mkdir -p "$OUT/logs"

log() { printf 'bench: %s\n' "$*" >&2; }
as_root() { if ((EUID == 0)); then "$@"; else sudo "$@"; fi; }

# ---- tools -------------------------------------------------------------------

if [[ ! -x /usr/bin/time ]]; then
    log "installing GNU time (Debian package 'time')"
    as_root apt-get install -y -q time >&2
fi

squawk_bin() {
    # the real executable, not a pyenv shim (a shim adds a bash start-up,
    # ~85 ms here, to every run)
    local d
    d=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null || true)
    if [[ -n $d && -x $d/squawk ]]; then
        echo "$d/squawk"
    elif command -v pyenv >/dev/null && pyenv which squawk >/dev/null 2>&1; then
        pyenv which squawk
    else
        command -v squawk || true
    fi
}
SQUAWK=$(squawk_bin)
if [[ -z $SQUAWK ]] || [[ $("$SQUAWK" --version 2>/dev/null) != "squawk $SQUAWK_VERSION" ]]; then
    log "installing squawk-cli==$SQUAWK_VERSION with pip"
    python3 -m pip install -q "squawk-cli==$SQUAWK_VERSION" >&2
    SQUAWK=$(squawk_bin)
fi
[[ -n $SQUAWK && -x $SQUAWK ]] || { echo "bench: squawk not found after pip install" >&2; exit 2; }

ZIG=${ZIG:-$(command -v zig || echo /usr/local/bin/zig)}
# A private install prefix: `zig build bench` itself installs a Debug build
# into zig-out, and zig-out is shared with whoever builds next.
log "building with: $ZIG build -Doptimize=ReleaseFast --prefix bench-out/install"
"$ZIG" build -Doptimize=ReleaseFast --prefix "$OUT/install" >&2
PGBELAY=$OUT/install/bin/pgbelay
RAWPARSE=$OUT/install/bin/pgbelay-rawparse
if nm "$PGBELAY" 2>/dev/null | grep -q __ubsan_handle; then
    echo "bench: $PGBELAY has UBSan checks: not a ReleaseFast build" >&2
    exit 2
fi

# ---- inputs --------------------------------------------------------------------

# The file list as pgbelay walks it (fts, name order, hidden directories
# skipped), with each file's standalone raw-parse status.
"$RAWPARSE" --list "$CORPUS" >"$OUT/logs/corpus-files.tsv"
mapfile -t FILES < <(awk -F'\t' '$1 == "ok" || $1 == "error" { print $3 }' "$OUT/logs/corpus-files.tsv")
NFILES=${#FILES[@]}
((NFILES > 0)) || { echo "bench: no .sql files under $CORPUS" >&2; exit 2; }
# The files pgbelay lints as migrations: all of them except pop/popx files
# that a `.postgres.` variant of the same version and direction replaces,
# and other dialects' files (docs/frameworks.md, golang-migrate section).
NREAD=$(printf '%s\n' "${FILES[@]}" | python3 -c '
import re, sys
files = [l.rstrip("\n") for l in sys.stdin if l.strip()]
have = set(files)
dia = re.compile(r"^(.*/[0-9]+_[^/]*?)\.(postgres|mysql|sqlite3|cockroach|mssql)\.(up|down)\.sql$")
skip = 0
for f in files:
    m = dia.match(f)
    if m:
        skip += m.group(2) != "postgres"
        continue
    g = re.match(r"^(.*/[0-9]+_[^/]*)\.(up|down)\.sql$", f)
    skip += bool(g) and (g.group(1) + ".postgres." + g.group(2) + ".sql") in have
print(len(files) - skip)')
CORPUS_BYTES=$(awk -F'\t' '$1 == "ok" || $1 == "error" { s += $2 } END { print s + 0 }' "$OUT/logs/corpus-files.tsv")
read -r LARGEST_BYTES LARGEST < <(awk -F'\t' '($1 == "ok" || $1 == "error") && $2 > m { m = $2; p = $3 } END { print m, p }' "$OUT/logs/corpus-files.tsv")
mapfile -t BAD < <(awk -F'\t' '$1 == "error" { print $3 "\t" $4 }' "$OUT/logs/corpus-files.tsv")

# (b) the large file: every .sql file that parses on its own, in the same
# order, each followed by "\n;\n" so that a last statement without ';'
# does not run into the next file's first one. The raw parse stops at the
# first syntax error, so files that fail alone are left out (listed in
# the results): otherwise the baseline would parse only a prefix.
BIG=$OUT/corpus-all.sql
: >"$BIG"
while IFS=$'\t' read -r st _ path _; do
    [[ $st == ok ]] || continue
    cat -- "$path" >>"$BIG"
    printf '\n;\n' >>"$BIG"
done <"$OUT/logs/corpus-files.tsv"
BIG_BYTES=$(stat -c %s "$BIG")
# (c) plain `cat` of every file: statements run together at file joins,
# so this one stresses syntax-error recovery (informational).
CAT=$OUT/corpus-cat.sql
cat -- "${FILES[@]}" >"$CAT"
CAT_BYTES=$(stat -c %s "$CAT")
# one empty file: the process baseline for peak RSS
EMPTY=$OUT/empty.sql
: >"$EMPTY"

# ---- measurements ------------------------------------------------------------------

declare -a M_ID M_LABEL M_INPUT M_BYTES M_OK M_CMD
add() { # id label input-name bytes allowed-exit-codes command...
    M_ID+=("$1"); M_LABEL+=("$2"); M_INPUT+=("$3"); M_BYTES+=("$4"); M_OK+=("$5")
    shift 5
    M_CMD+=("$(printf '%q ' "$@")")
}
add raw_dir "libpg_query raw parse" corpus "$CORPUS_BYTES" "0" "$RAWPARSE" "$CORPUS"
add pb1_dir "pgbelay --jobs 1" corpus "$CORPUS_BYTES" "0 1" "$PGBELAY" lint --jobs 1 "$CORPUS"
add pbn_dir "pgbelay (default jobs)" corpus "$CORPUS_BYTES" "0 1" "$PGBELAY" lint "$CORPUS"
add sq_dir "squawk" corpus "$CORPUS_BYTES" "0 1" "$SQUAWK" "${FILES[@]}"
add sqg_dir "squawk --reporter gcc" corpus "$CORPUS_BYTES" "0 1" "$SQUAWK" --reporter gcc "${FILES[@]}"
add raw_big "libpg_query raw parse" big "$BIG_BYTES" "0" "$RAWPARSE" "$BIG"
add pb1_big "pgbelay --jobs 1" big "$BIG_BYTES" "0 1" "$PGBELAY" lint --jobs 1 "$BIG"
add pbn_big "pgbelay (default jobs)" big "$BIG_BYTES" "0 1" "$PGBELAY" lint "$BIG"
add sq_big "squawk" big "$BIG_BYTES" "0 1" "$SQUAWK" "$BIG"
add raw_cat "libpg_query raw parse (stops at 1st error)" cat "$CAT_BYTES" "0" "$RAWPARSE" "$CAT"
add pb1_cat "pgbelay --jobs 1" cat "$CAT_BYTES" "0 1" "$PGBELAY" lint --jobs 1 "$CAT"
add sq_cat "squawk" cat "$CAT_BYTES" "0 1" "$SQUAWK" "$CAT"
add pb1_largest "pgbelay --jobs 1" largest "$LARGEST_BYTES" "0 1" "$PGBELAY" lint --jobs 1 "$LARGEST"
add pb1_empty "pgbelay --jobs 1" empty 0 "0 1" "$PGBELAY" lint --jobs 1 "$EMPTY"
NM=${#M_ID[@]}

SAMPLES=$OUT/samples.tsv
printf 'id\trun\twall_s\tmaxrss_kb\texit\tcpu_s\n' >"$SAMPLES"
CRASHES=()

# CPU_NOW = user + system CPU milliseconds of all waited-for children so
# far, from the bash builtin `times` (millisecond resolution). Pure bash:
# it must run in this shell (a $(...) subshell has no children of its own)
# and must not start processes of its own between two readings.
children_cpu() {
    local u s t ms=0
    times >"$OUT/logs/times.tmp"
    { read -r _ _ && read -r u s; } <"$OUT/logs/times.tmp"
    for t in "$u" "$s"; do # e.g. 0m1.234s
        local m=${t%%m*} sec=${t#*m}
        sec=${sec%s}
        ms=$((ms + 10#$m * 60000 + 10#${sec%%.*} * 1000 + 10#${sec#*.}))
    done
    CPU_NOW=$ms
}

run_one() { # index run-number ; sets R_WALL R_RSS R_RC R_CPU
    local i=$1 n=$2 t0 t1 c0 c1 out=/dev/null
    ((n == 0)) && out=$OUT/logs/${M_ID[$i]}.out
    children_cpu
    c0=$CPU_NOW
    t0=$EPOCHREALTIME
    set +e
    eval "/usr/bin/time -f '%M' -o \"\$OUT/logs/time.tmp\" ${M_CMD[$i]}" >"$out" 2>"$OUT/logs/${M_ID[$i]}.err"
    R_RC=$?
    set -e
    t1=$EPOCHREALTIME
    children_cpu
    c1=$CPU_NOW
    R_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
    R_CPU=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.3f", (b - a) / 1000 }')
    R_RSS=$(grep -E '^[0-9]+$' "$OUT/logs/time.tmp" | tail -1)
    [[ -n $R_RSS ]] || R_RSS=0
    if [[ " ${M_OK[$i]} " != *" $R_RC "* ]]; then
        CRASHES+=("${M_ID[$i]} run $n: exit $R_RC ($(tail -c 300 "$OUT/logs/${M_ID[$i]}.err" | tr '\n' ' '))")
        log "UNEXPECTED EXIT ${M_ID[$i]} run $n: $R_RC"
    fi
    printf '%s\t%d\t%s\t%s\t%s\t%s\n' "${M_ID[$i]}" "$n" "$R_WALL" "$R_RSS" "$R_RC" "$R_CPU" >>"$SAMPLES"
}

declare -a SLOW NRUNS
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "$NM measurements x (1 warm-up + $RUNS runs), round-robin"
for ((r = 0; r <= RUNS; r++)); do
    for ((i = 0; i < NM; i++)); do
        if ((r == 0)); then
            run_one "$i" 0
            SLOW[$i]=$(awk -v w="$R_WALL" 'BEGIN { print (w > 5) ? 1 : 0 }')
            NRUNS[$i]=$((SLOW[i] ? SLOW_RUNS : RUNS))
            ((SLOW[i] == 0)) || log "${M_ID[$i]} took ${R_WALL} s: $SLOW_RUNS runs only"
        elif ((r <= NRUNS[i])); then
            run_one "$i" "$r"
        fi
    done
    ((r == 0)) && log "warm-up done" || log "run $r/$RUNS done"
done

# ---- statistics ------------------------------------------------------------------------

# stat ID COLUMN -> "median min max" over the timed runs (run >= 1)
stat3() {
    awk -F'\t' -v id="$1" -v c="$2" '$1 == id && $2 >= 1 { print $c }' "$SAMPLES" | sort -g |
        awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1], v[NR] }'
}
declare -A MED MIN MAX RSS RSSMIN RSSMAX CPU
for ((i = 0; i < NM; i++)); do
    id=${M_ID[$i]}
    read -r MED[$id] MIN[$id] MAX[$id] < <(stat3 "$id" 3)
    read -r RSS[$id] RSSMIN[$id] RSSMAX[$id] < <(stat3 "$id" 4)
    read -r CPU[$id] _ _ < <(stat3 "$id" 6)
done
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
mbps() { calc "%.1f" "$1 / 1e6 / $2"; }
ms() { calc "%.1f" "$1 * 1000"; }
mib() { calc "%.1f" "$1 / 1024"; }

# ---- sanity of the outputs (warm-up run) ------------------------------------------------

pb_summary() { grep -E '^(found [0-9]+ errors|no findings in)' "$OUT/logs/$1.out" | tail -1 || true; }
sq_summary() { sed 's/\x1b\[[0-9;]*m//g' "$OUT/logs/$1.out" | grep -E '^Found [0-9]+ issues|checked [0-9]+ source file' | tail -1 || true; }
raw_summary() { tail -1 "$OUT/logs/$1.out" || true; }
SQ_CHECKED=$(sq_summary sq_dir | sed -nE 's/.*checked ([0-9]+) source files?.*/\1/p')
[[ $SQ_CHECKED == "$NFILES" ]] || CRASHES+=("squawk checked ${SQ_CHECKED:-?} of $NFILES corpus files")
SQ_ISSUES=$(sq_summary sq_dir | sed -nE 's/^Found ([0-9]+) issues.*/\1/p')
SQG_LINES=$(grep -c ': \(warning\|error\): ' "$OUT/logs/sqg_dir.out" || true)
[[ $SQG_LINES == "$SQ_ISSUES" ]] || CRASHES+=("squawk --reporter gcc printed $SQG_LINES findings, the default reporter ${SQ_ISSUES:-?}")
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
PB_FILES=$(pb_summary pb1_dir | sed -nE 's/.* in ([0-9]+) files?.*/\1/p')
[[ $PB_FILES == "$NREAD" ]] || CRASHES+=("pgbelay --jobs 1 reported ${PB_FILES:-?} of the $NREAD corpus files it should read")
PBN_FILES=$(pb_summary pbn_dir | sed -nE 's/.* in ([0-9]+) files?.*/\1/p')
[[ $PBN_FILES == "$NREAD" ]] || CRASHES+=("pgbelay (default jobs) reported ${PBN_FILES:-?} of the $NREAD corpus files it should read")

# ---- report ----------------------------------------------------------------------------------

CPU=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
NPROC=$(nproc)
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
PGQ=$(dpkg-query -W -f '${Version}' libpg-query-dev 2>/dev/null || echo unknown)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "unknown (not a git checkout)")
DIRTY=$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)
rel() { local p=$1; p=${p/#$ROOT\//}; p=${p/#$CORPUS/\$CORPUS}; echo "$p"; }

ratio_dir=$(calc "%.2f" "${MED[raw_dir]} / ${MED[pb1_dir]}")
ratio_big=$(calc "%.2f" "${MED[raw_big]} / ${MED[pb1_big]}")
# against squawk's faster configuration (its gcc reporter, or the default)
SQ_BEST=sq_dir
awk "BEGIN { exit !(${MED[sqg_dir]} < ${MED[sq_dir]}) }" && SQ_BEST=sqg_dir
sq_vs_pbn=$(calc "%.1f" "${MED[$SQ_BEST]} / ${MED[pbn_dir]}")
sq_vs_pb1=$(calc "%.1f" "${MED[$SQ_BEST]} / ${MED[pb1_dir]}")
sq_vs_pbn_cpu=$(calc "%.1f" "${CPU[$SQ_BEST]} / ${CPU[pbn_dir]}")
sq_vs_pb1_cpu=$(calc "%.1f" "${CPU[$SQ_BEST]} / ${CPU[pb1_dir]}")
SQ_BEST_LABEL=$([[ $SQ_BEST == sqg_dir ]] && echo "squawk --reporter gcc" || echo "squawk")
cpu_ratio_dir=$(calc "%.2f" "${CPU[raw_dir]} / ${CPU[pb1_dir]}")
cpu_ratio_big=$(calc "%.2f" "${CPU[raw_big]} / ${CPU[pb1_big]}")
mem_ratio=$(calc "%.2f" "${RSS[pb1_dir]} / ${RSS[pb1_largest]}")
verdict() { awk "BEGIN { exit !($1) }" && echo "**met**" || echo "**missed**"; }

{
    echo "# pgbelay benchmark results"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- machine: $NPROC CPUs ($CPU), $MEM RAM, Linux $(uname -r)"
    echo "- pgbelay: $("$PGBELAY" --version | head -1), commit $COMMIT$DIRTY, ReleaseFast"
    echo "- libpg_query: Debian libpg-query-dev $PGQ (static libpg_query.a)"
    echo "- squawk: $("$SQUAWK" --version) (PyPI squawk-cli==$SQUAWK_VERSION, $SQUAWK)"
    echo "- zig: $("$ZIG" version)"
    echo "- runs: 1 warm-up + $RUNS timed runs each ($SLOW_RUNS for a measurement whose warm-up took over 5 s), round-robin; wall = bash \$EPOCHREALTIME around /usr/bin/time; CPU = user + system of the run (bash \`times\`, 1 ms resolution); RSS = peak resident set (/usr/bin/time %M); MB/s = input bytes / median wall"
    echo "- load average (1, 5, 15 min) before the runs: $LOAD_START; after: $LOAD_END"
    echo
    echo "Inputs:"
    echo
    echo "- **corpus**: \`$CORPUS\` — $NFILES .sql files, $CORPUS_BYTES bytes"
    echo "- **big**: \`bench-out/corpus-all.sql\` — the $((NFILES - ${#BAD[@]})) files that parse on their own, concatenated with \`\\n;\\n\` between them, $BIG_BYTES bytes"
    echo "- **cat**: \`bench-out/corpus-cat.sql\` — plain \`cat\` of all $NFILES files (statements run together at file joins: syntax errors), $CAT_BYTES bytes"
    echo "- **largest**: \`$(rel "$LARGEST")\` — the largest corpus file, $LARGEST_BYTES bytes"
    echo "- **empty**: an empty .sql file (process baseline for memory)"
    if ((${#BAD[@]})); then
        echo "- left out of **big** (raw parse fails on the file alone):"
        for b in "${BAD[@]}"; do echo "  - \`$(rel "${b%%$'\t'*}")\`: ${b#*$'\t'}"; done
    fi
    echo
    echo "| input | tool | runs | wall ms median | min | max | MB/s | CPU ms median | peak RSS MiB (min-max) | exit |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
    for ((i = 0; i < NM; i++)); do
        id=${M_ID[$i]}
        codes=$(awk -F'\t' -v id="$id" '$1 == id && $2 >= 1 { print $5 }' "$SAMPLES" | sort -u | paste -sd, -)
        tp="-"
        ((${M_BYTES[$i]} > 0)) && tp=$(mbps "${M_BYTES[$i]}" "${MED[$id]}")
        echo "| ${M_INPUT[$i]} | ${M_LABEL[$i]} | ${NRUNS[$i]} | $(ms "${MED[$id]}") | $(ms "${MIN[$id]}") | $(ms "${MAX[$id]}") | $tp | $(ms "${CPU[$id]}") | $(mib "${RSS[$id]}") ($(mib "${RSSMIN[$id]}")-$(mib "${RSSMAX[$id]}")) | $codes |"
    done
    echo
    echo "Targets (DESIGN.md, \"Performance targets\"):"
    echo
    echo "| target | measured | verdict |"
    echo "|---|---|---|"
    echo "| pgbelay --jobs 1 throughput >= 0.5 x raw parse, corpus | $(mbps "$CORPUS_BYTES" "${MED[pb1_dir]}") / $(mbps "$CORPUS_BYTES" "${MED[raw_dir]}") MB/s = $ratio_dir (by CPU time: $cpu_ratio_dir) | $(verdict "$ratio_dir >= 0.5") |"
    echo "| pgbelay --jobs 1 throughput >= 0.5 x raw parse, big file | $(mbps "$BIG_BYTES" "${MED[pb1_big]}") / $(mbps "$BIG_BYTES" "${MED[raw_big]}") MB/s = $ratio_big (by CPU time: $cpu_ratio_big) | $(verdict "$ratio_big >= 0.5") |"
    echo "| squawk / pgbelay corpus wall >= 3x (pgbelay default jobs; $SQ_BEST_LABEL, the faster squawk) | $(ms "${MED[$SQ_BEST]}") / $(ms "${MED[pbn_dir]}") ms = ${sq_vs_pbn}x (by CPU time: ${sq_vs_pbn_cpu}x) | $(verdict "$sq_vs_pbn >= 3") |"
    echo "| squawk / pgbelay corpus wall >= 3x (pgbelay --jobs 1; $SQ_BEST_LABEL) | $(ms "${MED[$SQ_BEST]}") / $(ms "${MED[pb1_dir]}") ms = ${sq_vs_pb1}x (by CPU time: ${sq_vs_pb1_cpu}x) | $(verdict "$sq_vs_pb1 >= 3") |"
    echo "| memory bounded by the largest file (--jobs 1 peak RSS: corpus dir <= 1.5 x largest file alone) | corpus $(mib "${RSS[pb1_dir]}") MiB, largest file ($LARGEST_BYTES B) alone $(mib "${RSS[pb1_largest]}") MiB (= ${mem_ratio}x), big file $(mib "${RSS[pb1_big]}") MiB, empty file $(mib "${RSS[pb1_empty]}") MiB | $(verdict "$mem_ratio <= 1.5") |"
    echo
    echo "Output checks (warm-up run):"
    echo
    echo "- raw parse, corpus: \`$(raw_summary raw_dir)\`"
    echo "- raw parse, big: \`$(raw_summary raw_big)\`; cat: \`$(raw_summary raw_cat)\`"
    for id in pb1_dir pbn_dir pb1_big pbn_big pb1_cat pb1_largest; do
        echo "- $id: \`$(pb_summary "$id")\`"
    done
    for id in sq_dir sq_big sq_cat; do
        echo "- $id: \`$(sq_summary "$id")\`"
    done
    echo "- sqg_dir: $SQG_LINES findings (one line each)"
    if ((${#CRASHES[@]})); then
        echo "- **problems:**"
        for c in "${CRASHES[@]}"; do echo "  - $c"; done
    else
        echo "- every run exited normally (pgbelay and squawk 0 or 1, raw parse 0); no crash"
    fi
    echo
    echo "Commands (\`\$CORPUS\` = $CORPUS; each run as \`/usr/bin/time -f %M -o FILE COMMAND >/dev/null\`):"
    echo
    echo '```'
    for ((i = 0; i < NM; i++)); do
        c=${M_CMD[$i]% }
        if [[ ${M_ID[$i]} == sq_dir ]]; then
            c="$(printf '%q' "$SQUAWK") <the $NFILES .sql files, in pgbelay's order>"
        elif [[ ${M_ID[$i]} == sqg_dir ]]; then
            c="$(printf '%q' "$SQUAWK") --reporter gcc <the $NFILES .sql files, in pgbelay's order>"
        fi
        c=${c//$ROOT\//}
        c=${c//$CORPUS/\$CORPUS}
        printf '%-12s %s\n' "${M_ID[$i]}" "$c"
    done
    echo '```'
} | tee "$OUT/results.md"

log "wrote bench-out/results.md and bench-out/samples.tsv"
((${#CRASHES[@]} == 0))
