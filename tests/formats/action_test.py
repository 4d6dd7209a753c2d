#!/usr/bin/env python3
"""Runs the steps of action.yml as GitHub Actions would, on a temporary git
repository with migrations, simulating a pull request: the build step must
use the pgbelay already on PATH, and the lint step must annotate only the
migration the pull request adds, fail the step, and write a SARIF file that
validates. Also checks that inputs cannot inject shell code.

    action_test.py PGBELAY ROOT

Prints "ok ..." lines and exits 0, or exits 1 with what went wrong.
"""
import os
import subprocess
import sys
import tempfile

import yaml  # PyYAML, a dependency of pre-commit (tools/setup.sh)


def fail(msg, out=""):
    print("action_test: " + msg)
    if out:
        print(out)
    sys.exit(1)


def git(cwd, *args):
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1", GIT_AUTHOR_NAME="t",
               GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid")
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def main():
    pgbelay, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with open(os.path.join(root, "action.yml"), encoding="utf-8") as f:
        action = yaml.safe_load(f)
    steps = action["runs"]["steps"]
    build = next(s for s in steps if s["name"] == "Build pgbelay")
    lint = next(s for s in steps if s.get("id") == "lint")
    with tempfile.TemporaryDirectory() as tmp:
        repo = os.path.join(tmp, "repo")
        os.makedirs(os.path.join(repo, "db", "migrations"))
        git(repo, "init", "-q")
        with open(os.path.join(repo, "db/migrations/001_users.sql"), "w") as f:
            f.write("CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE INDEX u ON users (id);\n")
        git(repo, "add", ".")
        git(repo, "commit", "-q", "-m", "base")
        base = git(repo, "rev-parse", "HEAD")
        with open(os.path.join(repo, "db/migrations/002_email.sql"), "w") as f:
            f.write("CREATE INDEX users_email_idx ON users (email);\n")
        git(repo, "add", ".")
        git(repo, "commit", "-q", "-m", "pr")
        output = os.path.join(tmp, "github_output")
        env = dict(os.environ)
        env["PATH"] = os.path.dirname(pgbelay) + os.pathsep + env["PATH"]
        env.update(GITHUB_ACTION_PATH=os.path.join(tmp, "no-build-here"), GITHUB_OUTPUT=output,
                   GITHUB_PATH=os.path.join(tmp, "github_path"))

        r = subprocess.run(["bash", "-e", "-c", build["run"]], cwd=repo, env=env, capture_output=True, text=True)
        if r.returncode != 0 or "using " not in r.stdout:
            fail("the build step did not use the pgbelay on PATH", r.stdout + r.stderr)
        print("ok build step uses the installed pgbelay")

        sarif = os.path.join(tmp, "pgbelay.sarif")
        env.update(PB_PATHS="db/migrations", PB_SINCE="", PB_FAIL_ON="warning", PB_SARIF=sarif,
                   PB_ARGS="--pg-version 15", PB_EVENT="pull_request", PB_BASE=base, PB_BEFORE="")
        r = subprocess.run(["bash", "-e", "-c", lint["run"]], cwd=repo, env=env, capture_output=True, text=True)
        if r.returncode != 1:
            fail("the lint step exited %d, not 1" % r.returncode, r.stdout + r.stderr)
        if "::warning file=db/migrations/002_email.sql,line=1" not in r.stdout:
            fail("no annotation for the added migration", r.stdout)
        if "001_users.sql" in r.stdout:
            fail("a migration the pull request did not change was reported", r.stdout)
        with open(output) as f:
            if "sarif-file=" + sarif not in f.read():
                fail("sarif-file output not set")
        v = subprocess.run([sys.executable, os.path.join(root, "tests/formats/validate.py"), "sarif", sarif],
                           capture_output=True, text=True)
        if v.returncode != 0:
            fail("the SARIF file does not validate", v.stdout + v.stderr)
        with open(sarif) as f:
            if "002_email.sql" not in f.read():
                fail("the SARIF file lacks the finding")
        print("ok lint step annotates the pull request's migration, fails, writes valid SARIF")

        # inputs are data, never shell code
        env.update(PB_ARGS="; touch pwned", PB_PATHS="$(touch pwned2)", PB_SARIF="", PB_FAIL_ON="never", PB_SINCE="none")
        r = subprocess.run(["bash", "-e", "-c", lint["run"]], cwd=repo, env=env, capture_output=True, text=True)
        if os.path.exists(os.path.join(repo, "pwned")) or os.path.exists(os.path.join(repo, "pwned2")):
            fail("an input ran as shell code")
        if r.returncode != 2:
            fail("bad inputs did not give a usage error (exit %d)" % r.returncode, r.stdout + r.stderr)
        print("ok inputs cannot inject shell code")


if __name__ == "__main__":
    main()
