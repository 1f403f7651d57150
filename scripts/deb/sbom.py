#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""SPDX 2.3 JSON SBOM of one Keel package (scripts/deb/keel-pkg.sh).

  sbom.py <staging root> <out.json>

Reads the facts of the build from the environment (set by keel-pkg.sh):
  PKG, DEB_VERSION, PROFILE, KEEL_COMMIT, SOURCE_DATE_EPOCH, OBJTREE, SRCTREE,
  GUEST_EMBED, GUEST_KERNEL, GUEST_INITRD, SECCOMP, GUEST_CACHE

Describes the package (every file it holds, with SHA1 and SHA256, except
the SBOM itself) and names every input with its version and checksum:
Keel's commit, the defconfig and .config, and the Debian packages the
build used (musl, libseccomp, kconfiglib, the kernel UAPI headers, the
compiler and linker, dpkg, and for an embedded Debian guest its kernel
and busybox packages). A Debian input's checksum is the SHA256 of the
file the build used from it (the guest kernel: of its downloaded .deb).
"""
import datetime
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys

ENV = os.environ


def digest(path, algo):
    h = hashlib.new(algo)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sha256(path):
    return [{"algorithm": "SHA256", "checksumValue": digest(path, "sha256")}]


def run(*cmd):
    try:
        return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def owner(path):
    """The Debian package (name, version, source, source version) holding path."""
    for p in (path, os.path.realpath(path)):
        out = run("dpkg-query", "-S", p)
        if out:
            pkg = out.splitlines()[0].split(":")[0].split(",")[0].strip()
            fields = run("dpkg-query", "-W", "-f=${Version}\t${source:Package}\t${source:Version}",
                         pkg)
            if fields:
                ver, src, srcver = fields.split("\t")
                return pkg, ver, src, srcver
    sys.exit(f"error: sbom: {path} belongs to no installed Debian package: the build "
             "inputs must come from Debian packages (scripts/deps.sh)")


def spdx_id(text):
    return "SPDXRef-" + "".join(c if c.isalnum() or c in ".-" else "-" for c in text)


class Doc:
    def __init__(self):
        self.packages, self.files, self.rels = [], [], []

    def rel(self, a, kind, b):
        self.rels.append({"spdxElementId": a, "relationshipType": kind, "relatedSpdxElement": b})

    def debian_input(self, path, kind, comment, main):
        """The Debian package holding path, related to main by kind."""
        pkg, ver, src, srcver = owner(path)
        ident = spdx_id(f"Package-deb-{pkg}")
        if not any(p["SPDXID"] == ident for p in self.packages):
            self.packages.append({
                "name": pkg, "SPDXID": ident, "versionInfo": ver,
                "supplier": "Organization: Debian", "downloadLocation": "NOASSERTION",
                "filesAnalyzed": False, "checksums": sha256(path),
                "sourceInfo": f"Debian source package {src} {srcver}",
                "comment": f"{comment} (checksum: SHA256 of {path}, the file the build used)",
                "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                                  "referenceLocator": f"pkg:deb/debian/{pkg}@{ver}?arch="
                                  + run("dpkg-query", "-W", "-f=${Architecture}", pkg)}],
            })
            if kind in ("STATIC_LINK", "GENERATED_FROM", "CONTAINS"):
                self.rel(main, kind, ident)     # main links / is made from / holds it
            else:
                self.rel(ident, kind, main)     # it is a tool or dependency of main
        return ident


def files_of(root, skip):
    out = []
    for dirpath, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not (dirpath == root and d == "DEBIAN"))
        for n in sorted(names):
            path = os.path.join(dirpath, n)
            rel = "./" + os.path.relpath(path, root)
            if rel != skip and os.path.isfile(path) and not os.path.islink(path):
                out.append((rel, path))
    return sorted(out)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    root, out = sys.argv[1], sys.argv[2]
    pkg, version, profile = ENV["PKG"], ENV["DEB_VERSION"], ENV["PROFILE"]
    commit = ENV["KEEL_COMMIT"]
    objtree, srctree = ENV["OBJTREE"], ENV["SRCTREE"]
    epoch = int(ENV["SOURCE_DATE_EPOCH"])
    created = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    sbom_rel = "./" + os.path.relpath(out, root)

    doc = Doc()
    main_id = spdx_id(f"Package-{pkg}")
    files = files_of(root, sbom_rel)
    sha1s = []
    for rel, path in files:
        s1 = digest(path, "sha1")
        sha1s.append(s1)
        doc.files.append({
            "fileName": rel, "SPDXID": spdx_id("File" + rel[1:]),
            "checksums": [{"algorithm": "SHA1", "checksumValue": s1},
                          {"algorithm": "SHA256", "checksumValue": digest(path, "sha256")}],
        })
    verification = hashlib.sha1("".join(sorted(sha1s)).encode()).hexdigest()
    doc.packages.append({
        "name": pkg, "SPDXID": main_id, "versionInfo": version,
        "supplier": "Organization: Keel", "downloadLocation": "NOASSERTION",
        "filesAnalyzed": True,
        "packageVerificationCode": {"packageVerificationCodeValue": verification,
                                    "packageVerificationCodeExcludedFiles": [sbom_rel]},
        "hasFiles": [f["SPDXID"] for f in doc.files],
        "licenseDeclared": "GPL-2.0-only", "licenseConcluded": "NOASSERTION",
        "copyrightText": "NOASSERTION", "primaryPackagePurpose": "FIRMWARE",
        "summary": f"Keel appliance VM image and host setup, profile {profile}",
    })
    doc.rel("SPDXRef-DOCUMENT", "DESCRIBES", main_id)

    # Keel itself, at its commit, and the configuration.
    src_id = spdx_id("Package-keel-source")
    doc.packages.append({
        "name": "keel", "SPDXID": src_id, "versionInfo": commit,
        "supplier": "Organization: Keel", "downloadLocation": "NOASSERTION",
        "filesAnalyzed": False, "licenseDeclared": "GPL-2.0-only",
        "comment": f"Keel's sources at git commit {commit}",
    })
    doc.rel(main_id, "GENERATED_FROM", src_id)
    defconfig = os.path.join(srctree, "configs", f"{profile}_defconfig")
    configs = [(f"{profile}_defconfig", defconfig, "the defconfig the profile was made from")] \
        if os.path.isfile(defconfig) else []
    configs.append((".config", os.path.join(objtree, ".config"),
                    "the full configuration the image was built with"))
    for name, path, what in configs:
        ident = spdx_id(f"Package-config-{name}")
        doc.packages.append({
            "name": name, "SPDXID": ident, "versionInfo": commit,
            "supplier": "Organization: Keel", "downloadLocation": "NOASSERTION",
            "filesAnalyzed": False, "checksums": sha256(path), "comment": what,
        })
        doc.rel(main_id, "GENERATED_FROM", ident)

    # Toolchain and libraries, from Debian packages.
    musl_libc = run("sh", "-c", "dpkg-query -L musl-dev | grep '/libc\\.a$' | head -1")
    doc.debian_input(musl_libc or "/usr/lib/x86_64-linux-musl/libc.a", "STATIC_LINK",
                     "musl libc, statically linked into the image", main_id)
    musl_gcc = shutil.which("musl-gcc") or "/usr/bin/musl-gcc"
    doc.debian_input(musl_gcc, "BUILD_TOOL_OF", "musl-gcc, the compiler wrapper", main_id)
    gcc = shutil.which("gcc") or "/usr/bin/gcc"
    doc.debian_input(os.path.realpath(gcc), "BUILD_TOOL_OF",
                     f"the C compiler, gcc {run(gcc, '-dumpfullversion')}", main_id)
    doc.debian_input(run(gcc, "-print-prog-name=cc1"), "BUILD_TOOL_OF",
                     "the C compiler proper (cc1)", main_id)
    ld = shutil.which(run(gcc, "-print-prog-name=ld")) or "/usr/bin/ld"
    doc.debian_input(os.path.realpath(ld), "BUILD_TOOL_OF",
                     "the linker", main_id)
    doc.debian_input("/usr/include/linux/kvm.h", "BUILD_DEPENDENCY_OF",
                     "the kernel UAPI headers (KVM, boot protocol, seccomp)", main_id)
    if ENV.get("SECCOMP") == "y":
        doc.debian_input("/usr/include/seccomp.h", "BUILD_DEPENDENCY_OF",
                         "libseccomp (build time only): the seccomp filters' generator", main_id)
        lib = run("sh", "-c", "dpkg-query -L libseccomp2 | grep '/libseccomp\\.so\\.' | head -1")
        if lib:
            doc.debian_input(lib, "BUILD_DEPENDENCY_OF",
                             "libseccomp runtime of the generator (build time only)", main_id)
    kconfiglib = "/usr/lib/python3/dist-packages/kconfiglib.py"
    doc.debian_input(kconfiglib, "BUILD_TOOL_OF", "kconfiglib, the configuration tool", main_id)
    doc.debian_input("/usr/bin/dpkg-deb", "BUILD_TOOL_OF", "dpkg-deb, the package builder", main_id)

    # The guest the image embeds.
    if ENV.get("GUEST_EMBED") == "y":
        embedded = [("kernel", ENV.get("GUEST_KERNEL", "")), ("initrd", ENV.get("GUEST_INITRD", ""))]
        for what, rel in embedded:
            if not rel:
                continue
            path = rel if rel.startswith("/") else os.path.join(objtree, rel)
            ident = spdx_id(f"Package-guest-{what}")
            doc.packages.append({
                "name": f"guest {what} {os.path.basename(rel)}", "SPDXID": ident,
                "versionInfo": "NOASSERTION", "downloadLocation": "NOASSERTION",
                "filesAnalyzed": False, "checksums": sha256(path),
                "comment": f"GUEST_{what.upper()}={rel}, embedded in the image (GUEST_EMBED)",
            })
            doc.rel(main_id, "CONTAINS", ident)
            if rel == "guest/vmlinuz" or rel == "guest/initramfs.cpio.gz":
                kernel_deb(doc, ident)
            if rel == "guest/initramfs.cpio.gz":
                doc.debian_input("/bin/busybox", "GENERATED_FROM",
                                 "busybox-static, the guest initramfs's userland", ident)
                for p in doc.packages:
                    if p["SPDXID"] == ident:
                        p["comment"] += "; busybox initramfs built by scripts/guest-assets.sh"
            elif "probe" in os.path.basename(rel):
                doc.rel(ident, "GENERATED_FROM", src_id)

    sbom = {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": f"{pkg}_{version}_amd64",
        "documentNamespace": f"urn:keel:spdx:{pkg}:{version}:{verification}",
        "creationInfo": {
            "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "creators": [f"Tool: keel-sbom-{ENV.get('KEEL_VERSION', 'unknown')}",
                         "Organization: Keel"],
        },
        "documentDescribes": [main_id],
        "packages": doc.packages,
        "files": doc.files,
        "relationships": doc.rels,
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(sbom, f, indent=2, sort_keys=True)
        f.write("\n")


def kernel_deb(doc, guest_id):
    """The Debian kernel package the guest assets come from (GUEST_CACHE)."""
    conf = {}
    with open(os.path.join(ENV["SRCTREE"], "scripts", "guest-kernel.conf"), encoding="utf-8") as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                k, v = line.strip().split("=", 1)
                conf[k] = v
    abi, ver = conf["GUEST_KERNEL_ABI"], conf["GUEST_KERNEL_PKGVER"]
    cache = ENV.get("GUEST_CACHE") or os.path.join(ENV["OBJTREE"], "guest-cache")
    debs = sorted(glob.glob(os.path.join(cache, f"linux-image-{abi}-cloud-amd64*_{ver}_amd64.deb")))
    if not debs:
        sys.exit(f"error: sbom: the guest kernel package linux-image-{abi}-cloud-amd64 {ver} "
                 f"is not in GUEST_CACHE ({cache}): build with the same GUEST_CACHE")
    name = os.path.basename(debs[0]).split("_")[0]
    ident = spdx_id(f"Package-deb-{name}")
    if not any(p["SPDXID"] == ident for p in doc.packages):
        doc.packages.append({
            "name": name, "SPDXID": ident, "versionInfo": ver,
            "supplier": "Organization: Debian", "downloadLocation": "NOASSERTION",
            "filesAnalyzed": False, "checksums": sha256(debs[0]),
            "sourceInfo": "Debian source package linux " + ver,
            "comment": "the guest's Linux kernel and modules, fetched with apt-get download "
                       "(checksum: SHA256 of the .deb)",
            "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                              "referenceLocator": f"pkg:deb/debian/{name}@{ver}?arch=amd64"}],
        })
    doc.rel(guest_id, "GENERATED_FROM", ident)


if __name__ == "__main__":
    main()
