#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Build the test guest: a kernel and an initramfs for tests/qtest.

Inputs are a Debian kernel package unpacked (not installed) into
--kernel-dir by scripts/install-deps.sh, a static busybox and the guest's
/init script.  Outputs, in --outdir:

  vmlinuz            a copy of KERNEL_DIR/boot/vmlinuz-VERSION
  initramfs.cpio.gz  /init, /bin/busybox (+ /bin/sh), /dev/console, and
                     /lib/modules/NAME.ko for qemu_fw_cfg and the modules
                     it depends on, listed in load order in
                     /lib/modules/order
  guest-status.txt   "ok" and what was used, or "missing: REASON"

When an input is missing the build still succeeds: only
guest-status.txt is written (stale outputs are removed), the tests skip
with its reason, and since the other outputs do not exist ninja runs this
script again on the next build.  --depfile lists every file read, so a
new busybox or kernel rebuilds the outputs.

Standard library only; the cpio "newc" archive is written here, so no
cpio tool or root rights are needed for the device node.
"""

import argparse
import gzip
import io
import lzma
import os
import re
import shutil
import stat
import struct
import sys

MODULE = "qemu_fw_cfg"
INSTALL_HINT = "run scripts/install-deps.sh as root"


class Missing(Exception):
    """An input the guest needs is not on this machine."""


def version_key(version):
    """Sort key for kernel versions: numbers numerically."""
    return [(0, int(p)) if p.isdigit() else (1, p)
            for p in re.split(r"[.\-+~]", version)]


def find_kernel(kernel_dir):
    """Returns (version, vmlinuz path, modules folder), newest first."""
    boot = os.path.join(kernel_dir, "boot")
    if not os.path.isdir(boot):
        raise Missing(f"no guest kernel in {kernel_dir} ({INSTALL_HINT})")
    versions = [n[len("vmlinuz-"):] for n in os.listdir(boot)
                if n.startswith("vmlinuz-")]
    for version in sorted(versions, key=version_key, reverse=True):
        moddir = os.path.join(kernel_dir, "lib", "modules", version)
        if os.path.isdir(moddir):
            return version, os.path.join(boot, "vmlinuz-" + version), moddir
    raise Missing(f"no boot/vmlinuz-* with lib/modules/* in {kernel_dir} "
                  f"({INSTALL_HINT})")


def index_modules(moddir):
    """Maps module names (with '_' for '-') to their files."""
    found = {}
    for root, _dirs, files in os.walk(os.path.join(moddir, "kernel")):
        for name in files:
            m = re.fullmatch(r"(.+)\.ko(\.xz|\.gz|\.zst)?", name)
            if m:
                found[m.group(1).replace("-", "_")] = os.path.join(root, name)
    return found


def read_module(path):
    """The module's ELF bytes, decompressed."""
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".xz"):
        return lzma.decompress(data)
    if path.endswith(".gz"):
        return gzip.decompress(data)
    if path.endswith(".zst"):
        raise Missing(f"{path}: zstd-compressed modules are not supported "
                      "(Python has no zstd decoder)")
    return data


def module_depends(elf):
    """The modules named by the "depends=" entry of .modinfo."""
    m = re.search(rb"(?:^|\0)depends=([^\0]*)\0", elf)
    if m is None or not m.group(1):
        return []
    return [d.decode().replace("-", "_") for d in m.group(1).split(b",")]


def collect_modules(moddir, name):
    """[(name, bytes)] for @name and its dependencies, in load order."""
    index = index_modules(moddir)
    order, seen = [], set()

    def visit(mod, chain):
        if mod in seen:
            return
        if mod in chain:
            raise Missing(f"module dependency loop: {' -> '.join(chain)}")
        if mod not in index:
            raise Missing(f"module {mod} not found under {moddir}/kernel "
                          f"({INSTALL_HINT})")
        elf = read_module(index[mod])
        if not elf.startswith(b"\x7fELF"):
            raise Missing(f"{index[mod]} is not an ELF module")
        for dep in module_depends(elf):
            visit(dep, chain + [mod])
        seen.add(mod)
        order.append((mod, elf, index[mod]))

    visit(name, [])
    return order


def check_static(path):
    """Raises Missing unless @path is an ELF executable without PT_INTERP."""
    if not os.path.isfile(path):
        raise Missing(f"{path} not found (Debian package busybox-static; "
                      f"{INSTALL_HINT})")
    with open(path, "rb") as f:
        head = f.read(64)
        if head[:4] != b"\x7fELF" or head[4] != 2:
            raise Missing(f"{path} is not a 64-bit ELF executable")
        order = "<" if head[5] == 1 else ">"
        phoff, = struct.unpack_from(order + "Q", head, 32)
        phentsize, phnum = struct.unpack_from(order + "HH", head, 54)
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            ptype, = struct.unpack(order + "I", f.read(4))
            if ptype == 3:  # PT_INTERP
                raise Missing(f"{path} is dynamically linked; the guest "
                              "needs busybox-static")


class Cpio:
    """Writes a cpio archive in the "newc" format the kernel unpacks."""

    def __init__(self):
        self.out = io.BytesIO()
        self.ino = 1

    def _entry(self, name, mode, data=b"", rdev=(0, 0)):
        name_bytes = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, 2 if stat.S_ISDIR(mode) else 1, 0,
                  len(data), 0, 0, rdev[0], rdev[1], len(name_bytes), 0]
        self.ino += 1
        self.out.write(b"070701" + b"".join(b"%08X" % v for v in fields))
        self.out.write(name_bytes)
        self._pad()
        self.out.write(data)
        self._pad()

    def _pad(self):
        self.out.write(b"\0" * (-self.out.tell() % 4))

    def directory(self, name):
        self._entry(name, stat.S_IFDIR | 0o755)

    def file(self, name, data, perm=0o644):
        self._entry(name, stat.S_IFREG | perm, data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor, perm=0o600):
        self._entry(name, stat.S_IFCHR | perm, rdev=(major, minor))

    def finish(self):
        self.ino = 0
        self._entry("TRAILER!!!", 0)
        return self.out.getvalue()


def build_initramfs(busybox, init, modules):
    cpio = Cpio()
    for d in ["bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc",
              "sys", "tmp", "lib", "lib/modules"]:
        cpio.directory(d)
    cpio.chardev("dev/console", 5, 1)
    cpio.chardev("dev/null", 1, 3, 0o666)
    with open(busybox, "rb") as f:
        cpio.file("bin/busybox", f.read(), 0o755)
    cpio.symlink("bin/sh", "busybox")
    with open(init, "rb") as f:
        cpio.file("init", f.read(), 0o755)
    for name, elf, _path in modules:
        cpio.file(f"lib/modules/{name}.ko", elf)
    order = "".join(name + "\n" for name, _elf, _path in modules)
    cpio.file("lib/modules/order", order.encode())
    raw = cpio.finish()
    buf = io.BytesIO()
    # mtime 0: the same inputs give the same bytes.
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        gz.write(raw)
    return buf.getvalue()


def write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def depfile_escape(path):
    return path.replace("\\", "\\\\").replace(" ", "\\ ")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel-dir", required=True)
    ap.add_argument("--busybox", required=True)
    ap.add_argument("--init", required=True)
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--depfile", help="ninja depfile to write")
    ap.add_argument("--depfile-target",
                    help="the output named in the depfile")
    args = ap.parse_args()

    initramfs = os.path.join(args.outdir, "initramfs.cpio.gz")
    vmlinuz = os.path.join(args.outdir, "vmlinuz")
    status = os.path.join(args.outdir, "guest-status.txt")
    deps = [args.init]
    os.makedirs(args.outdir, exist_ok=True)
    try:
        deps.append(args.busybox)
        check_static(args.busybox)
        version, kernel, moddir = find_kernel(args.kernel_dir)
        deps += [os.path.dirname(kernel), kernel]
        modules = collect_modules(moddir, MODULE)
        deps += [path for _name, _elf, path in modules]
        write_atomic(initramfs,
                     build_initramfs(args.busybox, args.init, modules))
        shutil.copyfile(kernel, vmlinuz + ".tmp")
        os.replace(vmlinuz + ".tmp", vmlinuz)
        report = (f"ok\nkernel: {kernel}\nversion: {version}\n"
                  f"busybox: {args.busybox}\n"
                  f"modules: {' '.join(n for n, _e, _p in modules)}\n")
    except Missing as e:
        remove(initramfs)
        remove(vmlinuz)
        report = f"missing: {e}\n"
        print(f"tests/guest: {e}; the guest tests will skip",
              file=sys.stderr)
    write_atomic(status, report.encode())
    if args.depfile:
        # Only files that exist: a missing input already makes ninja run
        # this again, since the outputs it would produce are missing.
        target = args.depfile_target or initramfs
        existing = [d for d in deps if os.path.exists(d)]
        with open(args.depfile, "w") as f:
            f.write(depfile_escape(target) + ": " +
                    " ".join(depfile_escape(d) for d in existing) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
