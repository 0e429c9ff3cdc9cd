#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""QEMU's scripts/analyze-migration.py reads a stream qmpd wrote.

Starts the built-in pc machine, migrates it to a file: URI, then runs the
script from QEMU's Debian source in "-d desc" and "-d state" modes.  The
state dump must hold the RAM section and every section the vmdescription
lists, each under the section id the stream gave it.  Exit 77 when the
script is absent.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time


def qmp(f, cmd, **args):
    f.write(json.dumps({"execute": cmd, "arguments": args}) + "\n")
    f.flush()
    while True:
        r = json.loads(f.readline())
        if "event" not in r:
            return r


def write_stream(qmpd, tmp, path):
    sock = os.path.join(tmp, "qmp.sock")
    p = subprocess.Popen([qmpd, "-M", "pc", "-m", "16", "-S", "-nodefaults",
                          "-display", "none", "-chardev",
                          "socket,id=m,path=%s,server=on,wait=off" % sock,
                          "-mon", "chardev=m,mode=control"])
    try:
        for _ in range(200):
            if os.path.exists(sock):
                break
            time.sleep(0.05)
        s = socket.socket(socket.AF_UNIX)
        s.connect(sock)
        f = s.makefile("rw")
        f.readline()
        assert "return" in qmp(f, "qmp_capabilities")
        r = qmp(f, "migrate", uri="file:" + path)
        assert "return" in r, r
        for _ in range(600):
            st = qmp(f, "query-migrate")["return"].get("status")
            if st in ("completed", "failed"):
                break
            time.sleep(0.05)
        assert st == "completed", st
        qmp(f, "quit")
        p.wait(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def analyze(script, path, mode):
    r = subprocess.run([sys.executable, script, "-f", path, "-d", mode],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if r.returncode != 0:
        raise AssertionError("analyze-migration.py -d %s failed:\n%s" %
                             (mode, r.stderr))
    return json.loads(r.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qmpd", required=True)
    ap.add_argument("--source", default=os.environ.get(
        "QMPD_QEMU_SOURCE", "/var/cache/qmpd/qemu-source"))
    args = ap.parse_args()
    script = os.path.join(args.source, "scripts", "analyze-migration.py")
    if not os.path.exists(script):
        print("SKIP: %s not found (scripts/install-deps.sh unpacks QEMU's "
              "source)" % script)
        return 77

    with tempfile.TemporaryDirectory(prefix="qmpd-analyze-") as tmp:
        path = os.path.join(tmp, "stream")
        write_stream(args.qmpd, tmp, path)

        desc = analyze(script, path, "desc")
        conf = desc["configuration"]
        assert [(f["name"], f["type"]) for f in conf["fields"]] == \
            [("len", "uint32"), ("name", "buffer")], conf
        assert conf["fields"][1]["size"] == len(conf["machine"]), conf
        devices = [d["name"] for d in desc["devices"]]
        for want in ("machine-config", "mc146818rtc", "fw_cfg"):
            assert want in devices, (want, devices)

        state = analyze(script, path, "state")
        names = [k.rsplit(" (", 1)[0] for k in state]
        print("sections read: " + ", ".join(state))
        assert "ram" in names, names
        sizes = state[[k for k in state if k.startswith("ram (")][0]]
        assert sizes["section sizes"].get("pc.ram") == "0x%016x" % (16 << 20)
        missing = [d for d in devices if d not in names]
        assert not missing, "sections the script did not reach: %s" % missing
        assert sorted(names) == sorted(devices + ["ram"]), (names, devices)
        cfg = state[[k for k in state if k.startswith("machine-config")][0]]
        text = bytes.fromhex(cfg["json"].replace(" ", "")).decode()
        assert int(cfg["len"], 16) == len(text)
        assert json.loads(text)["type"] == "pc", text
    print("analyze-migration.py read RAM and all %d device sections" %
          len(devices))
    return 0


if __name__ == "__main__":
    sys.exit(main())
