#!/usr/bin/env bash
# End-to-end test of .pre-commit-hooks.yaml with the real pre-commit (PyPI,
# pinned in tools/setup.sh): in a temporary git repository with migrations,
# `git commit` runs the hook through pre-commit's git hook; a commit adding
# a dangerous migration is refused with the finding printed, safe ones pass.
# Both hooks (pgbelay, pgbelay-history) are exercised.
#
#   tests/formats/precommit_e2e.sh PGBELAY ROOT
#
# Prints "ok" lines and exits 0, or prints what went wrong and exits 1.
set -euo pipefail
PGBELAY="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
ROOT="$(cd "$2" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export PATH="$(dirname "$PGBELAY"):$PATH"
export PRE_COMMIT_HOME="$tmp/cache" GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
fail() { echo "precommit_e2e: $*" >&2; exit 1; }
python3 -m pre_commit --version >/dev/null 2>&1 || fail "pre-commit is not installed (run tools/setup.sh)"

python3 -m pre_commit validate-manifest "$ROOT/.pre-commit-hooks.yaml" || fail ".pre-commit-hooks.yaml is not a valid manifest"
echo "ok .pre-commit-hooks.yaml is a valid manifest"

# The hook repository: this checkout's .pre-commit-hooks.yaml, committed.
mkdir "$tmp/hooks"
cp "$ROOT/.pre-commit-hooks.yaml" "$tmp/hooks/"
git -C "$tmp/hooks" init -q
git -C "$tmp/hooks" add .pre-commit-hooks.yaml
git -C "$tmp/hooks" commit -q -m hooks
rev="$(git -C "$tmp/hooks" rev-parse HEAD)"

run_case() { # $1 = hook id
  local app="$tmp/app-$1" out
  mkdir -p "$app/db/migrations"
  cd "$app"
  git init -q
  printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: %s\n' "$tmp/hooks" "$rev" "$1" > .pre-commit-config.yaml
  printf '# app\n' > README.md
  python3 -m pre_commit install >/dev/null
  # the first commit (no HEAD yet) already carries a migration
  printf 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n' > db/migrations/001_users.sql
  git add .
  out="$(git commit -m "initial, with a safe migration" 2>&1)" || { echo "$out"; fail "$1: a safe first commit was refused"; }
  case "$out" in *pgbelay*Passed*) ;; *) echo "$out"; fail "$1: the hook did not run on the first commit" ;; esac
  echo "ok $1: safe migration committed (first commit)"

  printf 'CREATE INDEX users_email_idx ON users (email);\n' > db/migrations/002_email_idx.sql
  git add db/migrations/002_email_idx.sql
  if out="$(git commit -m "dangerous migration" 2>&1)"; then
    echo "$out"; fail "$1: a dangerous migration was committed"
  fi
  case "$out" in
  *"create-index-non-concurrent"*"002_email_idx.sql"* | *"002_email_idx.sql"*"create-index-non-concurrent"*) ;;
  *) echo "$out"; fail "$1: the refusal does not show the finding" ;;
  esac
  [ "$(git rev-list --count HEAD)" = 1 ] || fail "$1: the dangerous commit was recorded"
  [ -n "${PRECOMMIT_E2E_SHOW:-}" ] && echo "$out"
  echo "ok $1: dangerous migration refused with the finding printed"

  printf 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n' > db/migrations/002_email_idx.sql
  git add db/migrations/002_email_idx.sql
  out="$(git commit -m "safe index" 2>&1)" || { echo "$out"; fail "$1: the fixed migration was refused"; }
  [ "$(git rev-list --count HEAD)" = 2 ] || fail "$1: the fixed migration was not committed"
  echo "ok $1: fixed migration committed"
  cd "$tmp"
}
run_case pgbelay
run_case pgbelay-history
