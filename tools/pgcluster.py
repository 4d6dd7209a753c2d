#!/usr/bin/env python3
"""A throw-away PostgreSQL cluster for tests: initdb into a fresh temporary
directory, a server that listens only on a Unix socket in that directory,
and stop + remove everything afterwards, also on an exception or Ctrl-C.

    from pgcluster import PgCluster
    with PgCluster() as pg:
        pg.createdb("lab")
        print(pg.psql("lab", "-c", "SELECT version()").stdout)

As a command, it runs one command against a fresh cluster (PGHOST, PGPORT,
PGUSER set) and removes the cluster afterwards:

    python3 tools/pgcluster.py -- psql -c 'SELECT 1'

Standard library only. The server binaries (initdb, pg_ctl, postgres) run
as the `postgres` system user when this runs as root, because PostgreSQL
refuses to run as root; the temporary directory is then owned by that user.
The client binaries (psql, pg_dump, pgbench) run as the calling user and
connect as the database superuser `postgres` (trust authentication on the
socket, which only the owner of the directory and root can reach).
"""
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time

DEFAULT_BINDIRS = ("/usr/lib/postgresql/15/bin",)

# Speed over durability: the cluster is thrown away after the run.
DEFAULT_SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "60",
    "log_min_messages": "warning",
    "log_lock_waits": "on",
    "deadlock_timeout": "'200ms'",
    # a backend whose client is gone (a psql killed on a time-out) stops
    "client_connection_check_interval": "'1s'",
}


class PgError(RuntimeError):
    pass


def find_bindir(explicit=None):
    """The directory of initdb/pg_ctl/psql/...: explicit, $PGBELAY_PG_BINDIR,
    or Debian's PostgreSQL 15 location."""
    for d in (explicit, os.environ.get("PGBELAY_PG_BINDIR"), *DEFAULT_BINDIRS):
        if d and os.path.isfile(os.path.join(d, "initdb")):
            return d
    raise PgError("PostgreSQL server binaries not found (looked in %s); run tools/setup.sh "
                  "or set PGBELAY_PG_BINDIR" % ", ".join(filter(None, (explicit, os.environ.get(
                      "PGBELAY_PG_BINDIR"), *DEFAULT_BINDIRS))))


class PgCluster:
    """Context manager for a temporary cluster. Attributes once started:
    dir (the temporary directory, also the socket directory), datadir,
    port, bindir, env (client environment: PGHOST/PGPORT/PGUSER, no
    PGDATABASE)."""

    def __init__(self, bindir=None, settings=None, port=5432, keep=False, quiet=True):
        self.bindir = find_bindir(bindir)
        self.settings = dict(DEFAULT_SETTINGS)
        self.settings.update(settings or {})
        self.port = port
        self.keep = keep  # leave the directory in place (debugging)
        self.quiet = quiet
        self.dir = None
        self.datadir = None
        self.logfile = None
        self.env = None
        self._run_as = None
        self._started = False

    # --- lifecycle -------------------------------------------------------
    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(self, *exc):
        self.cleanup()
        return False

    def start(self):
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise PgError("running as root, but there is no 'postgres' system user "
                              "to run the server as (Debian's postgresql package creates it)")
            self._run_as = pw
        base = self._tmp_base()
        self.dir = tempfile.mkdtemp(prefix="pgbelay-pg-", dir=base)
        if self._run_as:
            os.chown(self.dir, self._run_as.pw_uid, self._run_as.pw_gid)
        self.datadir = os.path.join(self.dir, "data")
        self.logfile = os.path.join(self.dir, "server.log")
        self._server("initdb", "-D", self.datadir, "-U", "postgres", "-A", "trust",
                     "-E", "UTF8", "--no-locale", "--no-sync")
        conf = os.path.join(self.datadir, "postgresql.conf")
        settings = dict(self.settings, port=str(self.port),
                        unix_socket_directories="'%s'" % self.dir)
        # postgresql.conf belongs to the server user; append through it.
        text = "".join("%s = %s\n" % kv for kv in settings.items())
        self._server("sh", "-c", 'cat >> "$1"', "sh", conf, input=text)
        self._server("pg_ctl", "-D", self.datadir, "-l", self.logfile, "-w", "-t", "60", "start",
                     new_session=True)
        self._started = True
        self.env = dict(os.environ, PGHOST=self.dir, PGPORT=str(self.port), PGUSER="postgres")
        for k in ("PGDATABASE", "PGPASSWORD", "PGSERVICE", "PGOPTIONS", "PGSSLMODE",
                  "PGHOSTADDR", "PGAPPNAME"):
            self.env.pop(k, None)

    def cleanup(self):
        """Stop the server (if it runs) and remove the directory. Safe to
        call more than once; never raises for an already-stopped server."""
        if self._started:
            self._started = False
            try:
                self._server("pg_ctl", "-D", self.datadir, "-m", "immediate", "-w", "-t", "30",
                             "stop", check=False)
            except BaseException:
                pass
            self._kill_leftover()
        if self.dir and not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def _kill_leftover(self):
        # A postmaster that pg_ctl could not stop (interrupted mid-stop):
        # SIGQUIT is PostgreSQL's immediate shutdown.
        pidfile = os.path.join(self.datadir or "", "postmaster.pid")
        try:
            with open(pidfile) as f:
                pid = int(f.readline())
        except (OSError, ValueError):
            return
        for sig in (signal.SIGQUIT, signal.SIGKILL):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                return
            for _ in range(50):
                time.sleep(0.1)
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    return

    def _tmp_base(self):
        base = os.environ.get("PGBELAY_PG_TMPDIR") or tempfile.gettempdir()
        # The socket path (<dir>/.s.PGSQL.<port>) must stay under 108 bytes,
        # and the server user must be able to reach the directory.
        if len(base) > 60:
            base = "/tmp"
        if self._run_as and subprocess.run(
                ["runuser", "-u", "postgres", "--", "test", "-x", base],
                cwd="/", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
            base = "/tmp"
        return base

    def _server(self, prog, *args, input=None, check=True, new_session=False):
        exe = os.path.join(self.bindir, prog) if prog not in ("sh",) else "/bin/sh"
        cmd = [exe, *args]
        if self._run_as:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        # pg_ctl start leaves the postmaster running with our stdout unless
        # redirected; give it /dev/null so pipes close.
        p = subprocess.run(cmd, input=input, text=True, cwd=self.dir or "/",
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=None if input is not None else subprocess.DEVNULL,
                           start_new_session=new_session)
        if check and p.returncode != 0:
            log = ""
            if self.logfile and os.path.exists(self.logfile):
                with open(self.logfile, errors="replace") as f:
                    log = "\n--- server log:\n" + f.read()[-4000:]
            raise PgError("%s failed (exit %d):\n%s%s" % (" ".join(cmd), p.returncode,
                                                          p.stdout, log))
        return p

    # --- clients ---------------------------------------------------------
    def bin(self, name):
        return os.path.join(self.bindir, name)

    def run(self, prog, *args, input=None, check=True, env=None, timeout=None):
        """Run a client program (psql, pg_dump, pgbench, ...) against the
        cluster; returns the CompletedProcess (text, stdout and stderr
        captured). Raises PgError when check and it exits non-zero."""
        e = dict(self.env)
        if env:
            e.update(env)
        p = subprocess.run([self.bin(prog), *args], input=input, text=True, env=e,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=None if input is not None else subprocess.DEVNULL,
                           timeout=timeout)
        if check and p.returncode != 0:
            raise PgError("%s %s failed (exit %d):\n%s" % (prog, " ".join(args), p.returncode,
                                                           p.stderr or p.stdout))
        return p

    def psql(self, db, *args, input=None, check=True, env=None, timeout=None):
        """psql -X (no psqlrc), ON_ERROR_STOP, quiet, on database db."""
        return self.run("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, *args,
                        input=input, check=check, env=env, timeout=timeout)

    def query(self, db, sql):
        """Rows of one query as lists of strings (unaligned, tab-separated)."""
        out = self.psql(db, "-A", "-t", "-F", "\t", "-c", sql).stdout
        return [line.split("\t") for line in out.splitlines() if line != ""]

    def createdb(self, name):
        self.psql("postgres", "-c", 'CREATE DATABASE "%s"' % name.replace('"', '""'))

    def dropdb(self, name):
        self.psql("postgres", "-c", 'DROP DATABASE IF EXISTS "%s" WITH (FORCE)'
                  % name.replace('"', '""'))

    def server_log(self):
        try:
            with open(self.logfile, errors="replace") as f:
                return f.read()
        except OSError:
            return ""


def main(argv):
    if "--" in argv:
        argv = argv[argv.index("--") + 1:]
    if not argv:
        print("usage: pgcluster.py -- COMMAND [ARG...]", file=sys.stderr)
        return 2
    with PgCluster() as pg:
        return subprocess.run(argv, env=pg.env).returncode


if __name__ == "__main__":
    try:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        sys.exit(main(sys.argv[1:]))
    except PgError as e:
        print("pgcluster: %s" % e, file=sys.stderr)
        sys.exit(2)
