#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Extract the uncompressed ELF vmlinux from an x86 bzImage.

usage: extract-vmlinux.py <bzImage> <vmlinux-out>

The payload is located through the setup header (payload_offset and
payload_length, boot protocol 2.08+), identified by its magic and
decompressed; if the header does not lead to it, the file is searched for
every known magic (like the kernel's scripts/extract-vmlinux). The result
must be an ELF file whose length matches the size the kernel build
appended to the payload. gzip, xz, lzma and bzip2 are decompressed in
Python; lz4, zstd and lzo need their command-line tools (Debian packages
lz4, zstd, lzop).
"""
import bz2
import lzma
import shutil
import struct
import subprocess
import sys
import zlib

MAGICS = [
    ("gzip", b"\x1f\x8b\x08"),
    ("xz", b"\xfd7zXZ\x00"),
    ("zstd", b"\x28\xb5\x2f\xfd"),
    ("lz4", b"\x02\x21\x4c\x18"),
    ("bzip2", b"BZh"),
    ("lzo", b"\x89LZO"),
    ("lzma", b"\x5d\x00\x00"),
]
TOOLS = {"lz4": ("lz4", "lz4"), "zstd": ("zstd", "zstd"), "lzo": ("lzop", "lzop")}


def die(msg):
    sys.stderr.write("extract-vmlinux: error: %s\n" % msg)
    sys.exit(1)


def tool(fmt, data):
    cmd, pkg = TOOLS[fmt]
    if not shutil.which(cmd):
        die("the payload is %s-compressed and '%s' is not installed: apt-get install %s"
            % (fmt, cmd, pkg))
    # lz4 legacy frames end where the data ends: drop the appended size
    if fmt == "lz4":
        data = data[:-4]
    res = subprocess.run([cmd, "-dc"], input=data, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, check=False)
    # trailing bytes after the last frame make some tools complain; the
    # length check below decides
    return res.stdout


def decompress(fmt, data):
    try:
        if fmt == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data)
        if fmt == "xz":
            return lzma.LZMADecompressor(lzma.FORMAT_XZ).decompress(data)
        if fmt == "lzma":
            return lzma.LZMADecompressor(lzma.FORMAT_ALONE).decompress(data)
        if fmt == "bzip2":
            return bz2.BZ2Decompressor().decompress(data)
        return tool(fmt, data)
    except (zlib.error, lzma.LZMAError, OSError, EOFError):
        return b""


def valid(out, payload):
    if out[:4] != b"\x7fELF":
        return False
    # the kernel build appends the uncompressed size (le32) to every payload
    if payload is not None and len(payload) >= 4:
        return struct.unpack("<I", payload[-4:])[0] == len(out) & 0xFFFFFFFF
    return True


def from_header(img):
    if len(img) < 0x250 or img[0x202:0x206] != b"HdrS":
        return None
    version = struct.unpack_from("<H", img, 0x206)[0]
    if version < 0x208:
        return None
    setup_sects = img[0x1F1] or 4
    offset, length = struct.unpack_from("<II", img, 0x248)
    start = (setup_sects + 1) * 512 + offset
    payload = img[start:start + length]
    for fmt, magic in MAGICS:
        if payload.startswith(magic):
            out = decompress(fmt, payload)
            if valid(out, payload):
                return out
    return None


def by_scanning(img):
    for fmt, magic in MAGICS:
        pos = img.find(magic)
        while pos >= 0:
            out = decompress(fmt, img[pos:])
            if valid(out, None):
                return out
            pos = img.find(magic, pos + 1)
    return None


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: extract-vmlinux.py <bzImage> <vmlinux-out>\n")
        sys.exit(2)
    src, dst = sys.argv[1:]
    try:
        with open(src, "rb") as f:
            img = f.read()
    except OSError as e:
        die("cannot read %s: %s" % (src, e.strerror))
    out = from_header(img) or by_scanning(img)
    if out is None:
        die("%s: no compressed ELF payload found (not an x86 bzImage?)" % src)
    with open(dst + ".tmp", "wb") as f:
        f.write(out)
    shutil.move(dst + ".tmp", dst)


if __name__ == "__main__":
    main()
