#!/usr/bin/env python3
"""Applies the suggestions of `pgbelay lint --format rdjsonl` to a copy of
testdata/formats/fixes and lints the copy again: every finding that had a
suggestion must be gone, and no syntax error may appear. Suggestions use
reviewdog's positions (1-based lines, 1-based UTF-8 byte columns, exclusive
end), so this also checks those.

    suggestions_test.py PGBELAY ROOT
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile


def offset(text, pos):
    lines = text.split(b"\n")
    return sum(len(l) + 1 for l in lines[: pos["line"] - 1]) + pos["column"] - 1


def main():
    pgbelay, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    src = os.path.join(root, "testdata/formats/fixes")
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.join(tmp, "fixes")
        shutil.copytree(src, work)
        r = subprocess.run([pgbelay, "lint", "--format", "rdjsonl", "fixes"], cwd=tmp, capture_output=True)
        edits, fixed = {}, {}
        for line in r.stdout.decode().splitlines():
            d = json.loads(line)
            for s in d.get("suggestions", []):
                edits.setdefault(d["location"]["path"], []).append(s)
                fixed.setdefault(d["location"]["path"], set()).add(d["code"]["value"])
        if sum(len(v) for v in edits.values()) < 7:
            sys.exit("suggestions_test: expected at least 7 suggestions, got %r" % edits)
        for path, sugg in edits.items():
            full = os.path.join(tmp, path)
            text = open(full, "rb").read()
            spans = [(offset(text, s["range"]["start"]), offset(text, s["range"]["end"]), s["text"]) for s in sugg]
            for a, b, t in sorted(spans, reverse=True):
                if b <= a:
                    sys.exit("suggestions_test: empty range in %s" % path)
                text = text[:a] + t.encode() + text[b:]
            open(full, "wb").write(text)
        r = subprocess.run([pgbelay, "lint", "--format", "json", "fixes"], cwd=tmp, capture_output=True)
        doc = json.loads(r.stdout)
        for f in doc["files"]:
            rules = {d["rule"] for d in f["diagnostics"]}
            left = rules & fixed.get(f["path"], set())
            if left or "syntax-error" in rules:
                print(open(os.path.join(tmp, f["path"])).read())
                sys.exit("suggestions_test: %s still has %s after the suggestions" % (f["path"], sorted(left | (rules & {"syntax-error"}))))
        print("ok suggestions fix %d findings" % sum(len(v) for v in fixed.values()))


if __name__ == "__main__":
    main()
