#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check a Keel package's SBOM: SPDX 2.3 JSON, and the inputs it must name.

  check_spdx.py <sbom.json> <package root> <required package name>...

The document is validated with python3-jsonschema against
tests/deb/spdx-2.3.schema.json (the SPDX 2.3 JSON fields Keel writes,
with the types, patterns and enumerations of the SPDX 2.3 specification),
then: every SPDXID unique and every relationship's ends defined; the
package's verification code and every file's SHA1/SHA256 match the files
in <package root> (an unpacked .deb); each required name is a package
with a version and a SHA256 (or, for "keel", a 40-hex git commit).
Prints one line per problem; exit 1 if any.
"""
import hashlib
import json
import os
import re
import sys

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))


def digest(path, algo):
    with open(path, "rb") as f:
        return hashlib.new(algo, f.read()).hexdigest()


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    path, root, required = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    with open(os.path.join(HERE, "spdx-2.3.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    problems = []
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    for err in sorted(validator.iter_errors(doc), key=str):
        where = "/".join(str(p) for p in err.absolute_path)
        problems.append(f"schema: {where or '(document)'}: {err.message}")

    ids = [doc.get("SPDXID")] + [p.get("SPDXID") for p in doc.get("packages", [])] + \
        [f.get("SPDXID") for f in doc.get("files", [])]
    dups = {i for i in ids if ids.count(i) > 1}
    if dups:
        problems.append(f"SPDXIDs used twice: {sorted(dups)}")
    for r in doc.get("relationships", []):
        for end in ("spdxElementId", "relatedSpdxElement"):
            if r.get(end) not in ids:
                problems.append(f"relationship {r}: {end} is not defined")

    sha1s = []
    for f in doc.get("files", []):
        real = os.path.join(root, f["fileName"])
        sums = {c["algorithm"]: c["checksumValue"] for c in f["checksums"]}
        if not os.path.isfile(real):
            problems.append(f"file {f['fileName']} is not in the package")
            continue
        sha1s.append(sums.get("SHA1", ""))
        if sums.get("SHA1") != digest(real, "sha1") or sums.get("SHA256") != digest(real, "sha256"):
            problems.append(f"file {f['fileName']}: checksum differs from the package's file")
    main_pkg = next((p for p in doc.get("packages", [])
                     if p.get("SPDXID") in doc.get("documentDescribes", [])), None)
    if not main_pkg:
        problems.append("no package is described by the document")
    else:
        code = hashlib.sha1("".join(sorted(sha1s)).encode()).hexdigest()
        if main_pkg["packageVerificationCode"]["packageVerificationCodeValue"] != code:
            problems.append("packageVerificationCode does not match the files")
        listed = {f["fileName"] for f in doc.get("files", [])}
        excluded = set(main_pkg["packageVerificationCode"].get(
            "packageVerificationCodeExcludedFiles", []))
        for dirpath, _, names in os.walk(root):
            for n in names:
                rel = "./" + os.path.relpath(os.path.join(dirpath, n), root)
                if rel.startswith("./DEBIAN/") or os.path.islink(os.path.join(dirpath, n)):
                    continue
                if rel not in listed and rel not in excluded:
                    problems.append(f"package file {rel} is not in the SBOM")

    by_name = {p["name"]: p for p in doc.get("packages", [])}
    for name in required:
        p = by_name.get(name)
        if not p:
            problems.append(f"input {name}: not named in the SBOM")
        elif name == "keel":
            if not re.fullmatch(r"[0-9a-f]{40}(-dirty)?", p.get("versionInfo", "")):
                problems.append(f"input keel: version {p.get('versionInfo')!r} is not a commit")
        elif not p.get("versionInfo") or p["versionInfo"] == "NOASSERTION":
            problems.append(f"input {name}: no version")
        elif not any(c["algorithm"] == "SHA256" for c in p.get("checksums", [])):
            problems.append(f"input {name}: no SHA256 checksum")

    for line in problems:
        print(line)
    if problems:
        sys.exit(1)
    print(f"{path}: SPDX 2.3 valid; {len(doc['packages'])} packages, {len(doc['files'])} files, "
          f"{len(doc['relationships'])} relationships; required inputs present: {' '.join(required)}")


if __name__ == "__main__":
    main()
