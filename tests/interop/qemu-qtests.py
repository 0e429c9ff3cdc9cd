#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs QEMU 7.2's own libqtest programs, unmodified, against qmpd.

The programs are built from QEMU's Debian source (scripts/install-deps.sh
unpacks it) into a cache folder outside the tree: QEMU's configure with
nearly everything disabled, then ninja builds only the object files the
chosen programs link (not QEMU's libraries, which need ~780 steps), and
this script links each program.  qmpd is presented to them as
qemu-system-x86_64 through a symlink.  Each case runs in its own process
(libqtest aborts the whole program on the first failure) and is compared
with qemu-qtests-expected.txt.  Exit status: 0 all as expected, 1 a case
failed unexpectedly or an expected failure passed, 77 skipped.
"""

import argparse
import fcntl
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

PROGRAMS = ["qmp-test", "qmp-cmd-test", "machine-none-test", "fw_cfg-test",
            "rtc-test", "qom-test", "test-hmp", "device-introspect-test",
            "readconfig-test"]

CONFIGURE_ARGS = ["--target-list=x86_64-softmmu", "--without-default-features",
                  "--without-default-devices", "--disable-docs",
                  "--disable-tools", "--enable-kvm", "--disable-werror",
                  "--enable-trace-backends=nop", "--disable-debug-info"]

# What the programs pull from QEMU's libraries, found once with
# `cc ... -Wl,--trace` against the full libraries (QEMU 7.2).
GEN = "libqemuutil.a.p/meson-generated_.._qapi_"
QAPI_MODULES = ["authz", "block-core", "common", "control", "crypto", "job",
                "machine", "misc", "qom", "sockets"]
OBJECTS = (
    [GEN + "qapi-builtin-types.c.o", GEN + "qapi-builtin-visit.c.o",
     GEN + "qapi-types-error.c.o", GEN + "qapi-types-introspect.c.o",
     GEN + "qapi-visit-introspect.c.o"] +
    [GEN + "qapi-%s-%s.c.o" % (k, m) for k in ("types", "visit")
     for m in QAPI_MODULES] +
    ["libqemuutil.a.p/qapi_%s.c.o" % n for n in (
        "qapi-dealloc-visitor", "qapi-forward-visitor", "qapi-util",
        "qapi-visit-core", "qobject-input-visitor", "qobject-output-visitor",
        "string-input-visitor", "string-output-visitor")] +
    ["libqemuutil.a.p/qobject_%s.c.o" % n for n in (
        "block-qdict", "json-lexer", "json-parser", "json-streamer",
        "json-writer", "qbool", "qdict", "qjson", "qlist", "qnull", "qnum",
        "qobject", "qstring")] +
    ["libqemuutil.a.p/stubs_%s.c.o" % n for n in (
        "error-printf", "fdset", "iothread-lock", "monitor-core")] +
    ["libqemuutil.a.p/util_%s.c.o" % n for n in (
        "bitops", "cutils", "error-report", "error", "id", "keyval",
        "memalign", "mmap-alloc", "module", "notify", "osdep", "oslib-posix",
        "qdist", "qemu-config", "qemu-option", "qemu-print",
        "qemu-thread-posix", "qemu-timer-common", "qht", "qsp", "range",
        "rcu", "thread-context", "unicode")] +
    ["libqom.fa.p/qom_%s.c.o" % n for n in (
        "container", "object", "object_interfaces", "qom-qobject")] +
    ["tests/qtest/libqos/libqos.fa.p/%s.c.o" % n for n in (
        ".._libqmp", ".._libqtest", "fw_cfg")])

LIBS = ["-lm", "-pthread", "-lgthread-2.0", "-lglib-2.0"]
CASE_TIMEOUT = 120


def skip(reason):
    print("SKIP: " + reason)
    sys.exit(77)


def log(msg):
    print(msg, flush=True)


def run(cmd, cwd, logfile):
    with open(logfile, "a") as f:
        f.write("$ %s\n" % " ".join(cmd))
        f.flush()
        return subprocess.run(cmd, cwd=cwd, stdout=f,
                              stderr=subprocess.STDOUT).returncode


def check_deps():
    for tool in ("cc", "ninja", "meson", "pkg-config", "python3"):
        if shutil.which(tool) is None:
            skip("%s is not installed" % tool)
    for pc in ("glib-2.0", "pixman-1", "zlib"):
        if subprocess.run(["pkg-config", "--exists", pc]).returncode != 0:
            skip("pkg-config module %s missing (Debian: scripts/"
                 "install-deps.sh installs it)" % pc)


def build(source, bdir):
    """Configures (once) and builds the programs; returns their folder."""
    os.makedirs(bdir, exist_ok=True)
    logfile = os.path.join(bdir, "qmpd-build.log")
    stamp = os.path.join(bdir, "qmpd-configure-args")
    want = "\n".join([source] + CONFIGURE_ARGS) + "\n"
    with open(os.path.join(bdir, ".qmpd-lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        start = time.monotonic()
        have = open(stamp).read() if os.path.exists(stamp) else ""
        if have != want or not os.path.exists(
                os.path.join(bdir, "build.ninja")):
            log("configuring QEMU in %s (log: %s)" % (bdir, logfile))
            for name in os.listdir(bdir):
                if name not in (".qmpd-lock",):
                    p = os.path.join(bdir, name)
                    if os.path.isdir(p) and not os.path.islink(p):
                        shutil.rmtree(p)
                    else:
                        os.unlink(p)
            if run([os.path.join(source, "configure")] + CONFIGURE_ARGS,
                   bdir, logfile) != 0:
                raise RuntimeError("QEMU's configure failed; see " + logfile)
            with open(stamp, "w") as f:
                f.write(want)
        tests = ["tests/qtest/%s.p/%s.c.o" % (p, p) for p in PROGRAMS]
        if run(["ninja"] + OBJECTS + tests, bdir, logfile) != 0:
            raise RuntimeError("ninja failed; see " + logfile)
        out = os.path.join(bdir, "qmpd-programs")
        os.makedirs(out, exist_ok=True)
        for p, obj in zip(PROGRAMS, tests):
            exe = os.path.join(out, p)
            if run(["cc", "-o", exe, obj, "-Wl,--start-group"] + OBJECTS +
                   ["-Wl,--end-group"] + LIBS, bdir, logfile) != 0:
                raise RuntimeError("linking %s failed; see %s" % (p, logfile))
        log("QEMU qtest programs ready in %.0f s" % (time.monotonic() - start))
    return out


def load_expected(path):
    """PROGRAM CASE REASON lines; CASE '*' stands for the whole program."""
    expected = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            prog, case, reason = line.split(None, 2)
            expected[(prog, case)] = reason
    return expected


def failure_line(text):
    for line in text.splitlines():
        if line.startswith(("ERROR:", "Bail out!")) or ": -" in line:
            return line.replace("Bail out! ", "")
    lines = [l for l in text.splitlines() if l.strip()]
    return lines[-1] if lines else "no output"


def run_case(exe, env, args):
    try:
        r = subprocess.run([exe, "--tap"] + args, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=CASE_TIMEOUT, text=True, errors="replace")
    except subprocess.TimeoutExpired as e:
        return "fail", "timed out after %d s" % CASE_TIMEOUT, ""
    out = r.stdout
    if r.returncode == 0 and re.search(r"^ok \d+ .*# SKIP", out, re.M):
        return "skip", re.search(r"# SKIP(.*)", out).group(1).strip(), out
    if r.returncode == 0 and not re.search(r"^not ok", out, re.M):
        return "pass", "", out
    return "fail", failure_line(out), out


def list_cases(exe, env):
    r = subprocess.run([exe, "-l"], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=CASE_TIMEOUT,
                       text=True, errors="replace")
    cases = [l for l in r.stdout.splitlines() if l.startswith("/")]
    if r.returncode != 0 or not cases:
        return None, failure_line(r.stdout)
    return cases, ""


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qmpd", required=True)
    ap.add_argument("--source", default=os.environ.get(
        "QMPD_QEMU_SOURCE", "/var/cache/qmpd/qemu-source"))
    ap.add_argument("--build-dir", default=os.environ.get(
        "QMPD_QEMU_QTESTS_BUILD", "/var/cache/qmpd/qemu-qtests"))
    ap.add_argument("--expected", default=os.path.join(
        here, "qemu-qtests-expected.txt"))
    ap.add_argument("programs", nargs="*", default=PROGRAMS)
    args = ap.parse_args()

    if not os.path.exists(os.path.join(args.source, "tests/qtest/libqtest.c")):
        skip("no QEMU source in %s (scripts/install-deps.sh unpacks it)"
             % args.source)
    check_deps()
    try:
        progdir = build(os.path.abspath(args.source),
                        os.path.abspath(args.build_dir))
    except (RuntimeError, OSError) as e:
        print("FAIL: building QEMU's qtest programs: %s" % e)
        return 1
    expected = load_expected(args.expected)

    tmp = tempfile.mkdtemp(prefix="qmpd-qemu-qtests-")
    try:
        binary = os.path.join(tmp, "qemu-system-x86_64")
        os.symlink(os.path.abspath(args.qmpd), binary)
        env = dict(os.environ, QTEST_QEMU_BINARY=binary, TMPDIR=tmp)
        counts = {"pass": 0, "fail": 0, "xfail": 0, "xpass": 0, "skip": 0}
        bad = []
        seen = set()
        for prog in args.programs:
            exe = os.path.join(progdir, prog)
            cases, why = list_cases(exe, env)
            if cases is None:
                # main() itself talks to qmpd before registering cases
                results = [("*", "fail", "listing cases: " + why)]
            else:
                results = [(c,) + run_case(exe, env, ["-p", c])[:2]
                           for c in cases]
            for case, status, detail in results:
                seen.add((prog, case))
                reason = expected.get((prog, case), expected.get((prog, "*")))
                if status == "fail" and reason:
                    status, detail = "xfail", reason
                elif status == "pass" and reason:
                    status = "xpass"
                    detail = "listed as expected to fail: " + reason
                counts[status] += 1
                log("%-5s %s %s%s" % (status.upper(), prog, case,
                                      ("  (" + detail + ")") if detail else ""))
                if status in ("fail", "xpass"):
                    bad.append("%s %s" % (prog, case))
        stale = [k for k in expected if k not in seen and k[0] in args.programs
                 and k[1] != "*" and (k[0], "*") not in seen]
        for prog, case in stale:
            log("STALE expected-results entry: %s %s (no such case)" %
                (prog, case))
        log("qemu-qtests: %(pass)d passed, %(xfail)d expected failures, "
            "%(skip)d skipped, %(fail)d failed, %(xpass)d unexpectedly "
            "passed" % counts)
        if bad or stale:
            log("update qmpd or tests/interop/qemu-qtests-expected.txt for: " +
                ", ".join(bad + ["%s %s" % k for k in stale]))
            return 1
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
