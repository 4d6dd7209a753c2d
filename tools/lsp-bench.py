#!/usr/bin/env python3
"""Measures `pgbelay lsp`: the time from a didChange on a 5,000-line
migration to the publishDiagnostics for that version (DESIGN.md target:
50 ms). Not a test; the numbers go to docs/lsp.md.

    python3 tools/lsp-bench.py [--pgbelay zig-out/bin/pgbelay] [--lines 5000] [--edits 30]
"""
import argparse, json, os, statistics, subprocess, tempfile, time

def frame(obj):
    body = json.dumps(obj).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body

class Client:
    def __init__(self, cmd):
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.buf = b""

    def send(self, obj):
        self.p.stdin.write(frame(obj))
        self.p.stdin.flush()

    def recv(self):
        while b"\r\n\r\n" not in self.buf:
            self.buf += os.read(self.p.stdout.fileno(), 1 << 20)
        head, _, rest = self.buf.partition(b"\r\n\r\n")
        n = int(head.split(b":")[1])
        while len(rest) < n:
            rest += os.read(self.p.stdout.fileno(), 1 << 20)
        self.buf = rest[n:]
        return json.loads(rest[:n])

    def wait_diags(self, version):
        while True:
            m = self.recv()
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"].get("version") == version:
                return m["params"]["diagnostics"]

def cpu_seconds(pid):
    """User + system CPU time of a process (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def migration(lines):
    # a realistic mix: table changes, indexes, backfills, comments
    out, i = [], 0
    while len(out) < lines:
        out += [
            f"-- step {i}",
            f"ALTER TABLE users ADD COLUMN c{i} integer;",
            f"CREATE INDEX users_c{i}_idx ON users (c{i});",
            f"UPDATE users SET c{i} = 0 WHERE id < {i};",
            f"ALTER TABLE users ALTER COLUMN c{i} SET DEFAULT {i};",
        ]
        i += 1
    return "\n".join(out[:lines]) + "\n"

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pgbelay", default="zig-out/bin/pgbelay")
    ap.add_argument("--lines", type=int, default=5000)
    ap.add_argument("--edits", type=int, default=30)
    ap.add_argument("--log-timing", action="store_true", help="the server logs lint and publish times to stderr")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        os.mkdir(os.path.join(d, "db"))
        with open(os.path.join(d, "db", "001_init.sql"), "w") as f:
            f.write("CREATE TABLE users (id bigint PRIMARY KEY, email text, age bigint);\n")
        path = os.path.join(d, "db", "002_big.sql")
        text = migration(a.lines)
        with open(path, "w") as f:
            f.write(text)
        uri = "file://" + path
        c = Client([os.path.abspath(a.pgbelay), "lsp"] + (["--log-timing"] if a.log_timing else []))
        c.send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                 "params": {"processId": os.getpid(), "capabilities": {}}})
        c.recv()
        c.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        t0 = time.perf_counter()
        c.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri, "languageId": "sql", "version": 1, "text": text}}})
        diags = c.wait_diags(1)
        first = (time.perf_counter() - t0) * 1000
        times = []
        cpu0 = cpu_seconds(c.p.pid)
        for v in range(2, a.edits + 2):
            # type one character into the middle of the file
            line = a.lines // 2
            t0 = time.perf_counter()
            c.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": v},
                "contentChanges": [{"range": {"start": {"line": line, "character": 0},
                                              "end": {"line": line, "character": 0}}, "text": " "}]}})
            c.wait_diags(v)
            times.append((time.perf_counter() - t0) * 1000)
        cpu = (cpu_seconds(c.p.pid) - cpu0) * 1000 / a.edits
        c.send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
        c.send({"jsonrpc": "2.0", "method": "exit"})
        c.p.wait()
        print(f"{a.lines} lines, {len(text)} bytes, {len(diags)} diagnostics")
        print(f"didOpen -> diagnostics: {first:.1f} ms")
        print(f"didChange -> diagnostics over {a.edits} edits: median {statistics.median(times):.1f} ms, "
              f"min {min(times):.1f} ms, max {max(times):.1f} ms")
        print(f"server CPU time per edit (user + system, independent of machine load): {cpu:.1f} ms")
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

if __name__ == "__main__":
    main()
