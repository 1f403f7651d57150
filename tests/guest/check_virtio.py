#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check the probe guest's virtio report (tests/guest/README, Virtio).

Shares no code with the VMM: the expected devices come from the .config
text (slot order blk0, blk1, net0, rng0, packed from 0), the disk bytes
from the host image files, the ARP peer from the host's tap.

usage: check_virtio.py <report> <.config> [--image IMG --orig ORIG]
                       [--image2 IMG2 --orig2 ORIG2]
                       [--tap-mac MAC] [--bad MODE@DEV ...]
Prints one line per check; exit status 1 if any failed.
"""
import argparse
import re
import sys

# The report helpers shared with the topology checks (same folder).
import check_report
from check_report import check, fnv1a32, read_config

IDS = {"blk": 2, "net": 1, "rng": 4}


def fields(line):
    return dict(kv.split("=", 1) for kv in line.split() if "=" in kv)


def one(lines, prefix):
    got = [l for l in lines if l.startswith(prefix)]
    check(len(got) == 1, f"one '{prefix}' line ({len(got)})")
    return fields(got[0]) if got else {}


def check_scan(lines, cfg):
    want = []
    if cfg.get("VIRTIO_BLK") == "y":
        want.append("blk")
        if cfg.get("VIRTIO_BLK2") == "y":
            want.append("blk")
    if cfg.get("VIRTIO_NET") == "y":
        want.append("net")
    if cfg.get("VIRTIO_RNG") == "y":
        want.append("rng")
    slots = [fields(l) for l in lines if l.startswith("virtio: slot=") and "empty" not in l]
    got = [(int(s["slot"]), int(s["id"])) for s in slots]
    check(got == [(i, IDS[n]) for i, n in enumerate(want)],
          f"slots and device ids {got} == config order {want}")
    for s in slots:
        check(s.get("version") == "2" and int(s["features"], 16) >> 32 & 1,
              f"slot {s['slot']}: virtio-mmio version 2, VIRTIO_F_VERSION_1 offered")
        check(int(s["base"], 16) == 0xd0000000 + 0x1000 * int(s["slot"]),
              f"slot {s['slot']}: registers at {s['base']}")
    f = one(lines, "virtio: found=")
    check(f.get("found") == str(len(want)) and f.get("dsdt_lnro0005") == str(len(want)),
          f"{len(want)} devices found by the slot scan and as LNRO0005 in the DSDT ({f})")
    return want


def check_blk(lines, cfg, name, image, orig):
    """name: blk (VIRTIO_BLK_*) or blk2 (VIRTIO_BLK2_*)"""
    sym = "VIRTIO_" + name.upper()
    ro = cfg.get(sym + "_READONLY") == "y"
    img = open(image, "rb").read()
    org = open(orig, "rb").read()
    info = one(lines, f"{name}: slot=")
    check(info.get("capacity") == str(len(org) // 512),
          f"{name}: capacity {info.get('capacity')} sectors == image size {len(org)} / 512")
    check(info.get("ro") == ("1" if ro else "0"), f"{name}: VIRTIO_BLK_F_RO offered: {info.get('ro')}")
    rd = one(lines, f"{name}: read ")
    check(rd.get("status") == "0" and rd.get("len") == "513", f"{name}: read sector 0: {rd}")
    check(rd.get("sum") == f"0x{fnv1a32(org[:512]):08x}",
          f"{name}: sector 0 as the guest read it == the host's bytes (FNV-1a)")
    wr = one(lines, f"{name}: write ")
    fl = one(lines, f"{name}: flush")
    rb = one(lines, f"{name}: readback ")
    gid = one(lines, f"{name}: get_id ")
    want1 = bytes(b ^ 0xa5 for b in org[:512])
    check(wr.get("sum") == f"0x{fnv1a32(want1):08x}", f"{name}: guest wrote sector 0 XOR 0xa5")
    if ro:
        check(wr.get("status") == "1", f"{name}: write to a read-only disk: VIRTIO_BLK_S_IOERR ({wr})")
        check(img == org, f"{name}: read-only image unchanged on the host")
        check(rb.get("match") == "0", f"{name}: read-only disk: sector 1 reads back unchanged")
    else:
        check(wr.get("status") == "0" and wr.get("len") == "1", f"{name}: write sector 1: {wr}")
        check(fl.get("status") == "0", f"{name}: flush: {fl}")
        check(img[512:1024] == want1, f"{name}: host image: sector 1 holds what the guest wrote")
        check(img[:512] == org[:512] and img[1024:] == org[1024:],
              f"{name}: host image: every other byte unchanged")
        check(rb.get("status") == "0" and rb.get("match") == "1",
              f"{name}: guest reads sector 1 back: {rb}")
    serial = cfg.get(sym + "_SERIAL", "keel-vda" if name == "blk" else "keel-vdb")[:20]
    check(gid.get("status") == "0" and gid.get("serial") == serial,
          f"{name}: GET_ID serial {gid.get('serial')} == {sym}_SERIAL {serial}")


def check_net(lines, cfg, tap_mac):
    mac = cfg.get("VIRTIO_NET_MAC", "52:54:00:12:34:56").lower()
    info = one(lines, "net: slot=")
    check(info.get("mac") == mac, f"config space MAC {info.get('mac')} == VIRTIO_NET_MAC {mac}")
    check(int(info.get("accepted", "0"), 16) & ~((1 << 32) | (1 << 5)) == 0,
          "only VERSION_1 and MAC negotiated (no offloads)")
    check(any(l.startswith("net: tx arp") for l in lines), "ARP request sent (tx used)")
    rep = one(lines, "net: rx arp reply")
    check(rep.get("ip") == "10.0.2.1" and rep.get("mac") == tap_mac.lower(),
          f"ARP reply from 10.0.2.1 at the tap's MAC {tap_mac} ({rep})")
    check(rep.get("dst") == mac, "the reply was addressed to the guest's MAC")


def check_rng(lines):
    r = one(lines, "rng: slot=")
    h = r.get("hex", "")
    check(r.get("bytes") == "64" and re.fullmatch(r"[0-9a-f]{128}", h or "-") is not None,
          f"64 bytes of entropy ({r.get('bytes')})")
    data = bytes.fromhex(h) if len(h) == 128 else b""
    check(len(set(data)) >= 24 and str(len(set(data))) == r.get("distinct"),
          f"entropy looks random: {len(set(data))} distinct byte values of 64")


def check_bad(lines, spec):
    mode, _, dev = spec.partition("@")
    dev = dev or "blk"
    got = [fields(l) for l in lines if l.startswith(f"vbad: mode={mode} dev={dev} ")]
    check(len(got) == 1, f"{spec}: one report line")
    if not got:
        return
    b = got[0]
    check(b.get("needs_reset") == "1", f"{spec}: DEVICE_NEEDS_RESET set (status {b.get('status')})")
    check(b.get("used_after") == "0", f"{spec}: no used entry for the bad request nor a valid "
          f"one after it (used_after={b.get('used_after')})")
    check(b.get("recovered") == "ok", f"{spec}: a valid request works after a reset")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("config")
    ap.add_argument("--image")
    ap.add_argument("--orig")
    ap.add_argument("--image2")
    ap.add_argument("--orig2")
    ap.add_argument("--tap-mac")
    ap.add_argument("--bad", action="append", default=[])
    args = ap.parse_args()
    cfg = read_config(args.config)
    lines = [l.rstrip("\r") for l in open(args.report, encoding="utf-8", errors="replace")
             .read().splitlines()]
    check("probe: end" in lines, "report ends (the probe ran to completion)")
    check("virtio: done" in lines, "virtio tests ran to their end")
    errors = [l for l in lines if re.match(r"^(virtio|blk2?|net|rng|vbad):", l) and
              re.search(r"(^|\s)error(\s|$)", l)]
    check(not errors, f"no error lines {errors}")
    cmd = cfg.get("GUEST_CMDLINE", "")
    m = re.search(r"probe\.virtio=(\S+)", cmd)
    tested = m.group(1).split(",") if m else []
    want = check_scan(lines, cfg)
    for dev in tested:
        check(dev in want or dev == "blk2" and want.count("blk") == 2, f"{dev}: configured")
    if "blk" in tested:
        check_blk(lines, cfg, "blk", args.image, args.orig)
    if "blk2" in tested:
        check_blk(lines, cfg, "blk2", args.image2, args.orig2)
    if "net" in tested:
        check_net(lines, cfg, args.tap_mac or "")
    if "rng" in tested:
        check_rng(lines)
    for spec in args.bad:
        check_bad(lines, spec)
    sys.exit(1 if check_report.failures else 0)


if __name__ == "__main__":
    main()
