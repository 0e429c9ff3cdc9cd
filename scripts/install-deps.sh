#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the Debian packages qmpd builds and tests with, when missing,
# and unpacks a Debian kernel for the guest tests (tests/guest/).
# As root it runs apt-get; otherwise it prints the command to run.
# Quick when everything is present.
set -e

# Build: compiler, meson, glib, json-glib, libfdt.  Tests and oracles:
# socat, qemu-system-x86 (differential and guest tests), acpica-tools
# (iasl), dmidecode, clang-format-16 (format check), clang (second
# compiler), busybox-static (the guest's userland, tests/guest/).
# Interoperability (tests/interop/): libvirt's daemon, client and QEMU
# driver, and dpkg-dev, which unpacks QEMU's source package (its Python
# QMP library, qtest programs and scripts are the clients we test with);
# libpixman-1-dev and zlib1g-dev, which QEMU's configure requires before it
# builds its qtest programs (tests/interop/qemu-qtests.py).
PACKAGES="gcc pkg-config meson ninja-build python3 libglib2.0-dev \
libjson-glib-dev libfdt-dev socat clang clang-format-16 qemu-system-x86 \
acpica-tools dmidecode busybox-static libvirt-daemon libvirt-clients \
libvirt-daemon-driver-qemu dpkg-dev libpixman-1-dev zlib1g-dev"

# make fuzz (--fuzz): clang's sanitizer and libFuzzer runtimes, which clang
# only recommends.
if [ "$1" = "--fuzz" ]; then
    PACKAGES="$PACKAGES libclang-rt-dev"
fi

# The guest kernel: the package linux-image-amd64 points to, unpacked
# here (never installed).  tests/guest/meson.build reads it from here.
GUEST_KERNEL_DIR=/var/cache/qmpd/guest-kernel
GUEST_KERNEL_META=linux-image-amd64

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done

if [ -n "$missing" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "qmpd needs these Debian packages:$missing" >&2
        echo "run: sudo apt-get update && sudo apt-get install -y$missing" >&2
        exit 1
    fi
    echo "installing:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi

# True when GUEST_KERNEL_DIR holds a kernel and its qemu_fw_cfg module.
guest_kernel_ready() {
    for k in "$GUEST_KERNEL_DIR"/boot/vmlinuz-*; do
        [ -f "$k" ] || continue
        v=${k##*/vmlinuz-}
        for m in "$GUEST_KERNEL_DIR/lib/modules/$v/kernel/drivers/firmware/qemu_fw_cfg.ko"*; do
            [ -f "$m" ] && return 0
        done
    done
    return 1
}

# The real package behind the meta package, e.g. linux-image-6.1.0-28-amd64.
guest_kernel_package() {
    apt-cache depends "$GUEST_KERNEL_META" 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[^ <>|]*\)$/\1/p' | head -n 1
}

guest_kernel_warn() {
    echo "warning: no guest kernel in $GUEST_KERNEL_DIR: $1" >&2
    echo "warning: the guest tests (tests/guest/) will skip" >&2
}

fetch_guest_kernel() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "the guest tests need a Debian kernel unpacked in $GUEST_KERNEL_DIR" >&2
        echo "run: sudo $0" >&2
        return 0
    fi
    pkg=$(guest_kernel_package)
    if [ -z "$pkg" ]; then
        apt-get update -qq || true
        pkg=$(guest_kernel_package)
    fi
    if [ -z "$pkg" ]; then
        guest_kernel_warn "apt-cache knows no package behind $GUEST_KERNEL_META"
        return 0
    fi
    echo "unpacking $pkg into $GUEST_KERNEL_DIR (not installing it)"
    mkdir -p "$(dirname "$GUEST_KERNEL_DIR")"
    work=$(mktemp -d "$GUEST_KERNEL_DIR.XXXXXX") || {
        guest_kernel_warn "cannot make a folder next to $GUEST_KERNEL_DIR"
        return 0
    }
    # apt downloads as _apt when that user may write the folder.
    chown _apt "$work" 2>/dev/null || true
    if ! (cd "$work" && apt-get download -qq "$pkg"); then
        rm -rf "$work"
        guest_kernel_warn "apt-get download $pkg failed"
        return 0
    fi
    if ! dpkg -x "$work"/"$pkg"_*.deb "$work/root"; then
        rm -rf "$work"
        guest_kernel_warn "dpkg -x of $pkg failed"
        return 0
    fi
    # Replace the folder only once the new content is complete.
    rm -rf "$GUEST_KERNEL_DIR"
    mv "$work/root" "$GUEST_KERNEL_DIR"
    rm -rf "$work"
    if ! guest_kernel_ready; then
        guest_kernel_warn "$pkg has no boot/vmlinuz-* with qemu_fw_cfg.ko"
    fi
}

guest_kernel_ready || fetch_guest_kernel

# QEMU's Debian source package, unpacked here (tests/interop/ reads it).
# It needs a deb-src entry for the suites the machine already uses.
QEMU_SOURCE_DIR=/var/cache/qmpd/qemu-source
QEMU_SOURCE_LIST=/etc/apt/sources.list.d/qmpd-deb-src.sources

qemu_source_warn() {
    echo "warning: no QEMU source in $QEMU_SOURCE_DIR: $1" >&2
    echo "warning: the interoperability tests that need it will skip" >&2
}

# Writes a deb-src twin of the Debian sources entries (URIs and suites
# as configured, so a mirror or snapshot keeps being used).
add_deb_src() {
    [ -f "$QEMU_SOURCE_LIST" ] && return 0
    src=/etc/apt/sources.list.d/debian.sources
    [ -f "$src" ] || return 1
    sed -n '/^Types:/,/^$/p' "$src" | sed 's/^Types: .*/Types: deb-src/' \
        >"$QEMU_SOURCE_LIST"
    apt-get update -qq
}

fetch_qemu_source() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "the interop tests need QEMU's source in $QEMU_SOURCE_DIR" >&2
        echo "run: sudo $0" >&2
        return 0
    fi
    add_deb_src || {
        qemu_source_warn "no /etc/apt/sources.list.d/debian.sources to copy"
        return 0
    }
    mkdir -p "$(dirname "$QEMU_SOURCE_DIR")"
    work=$(mktemp -d "$QEMU_SOURCE_DIR.XXXXXX") || {
        qemu_source_warn "cannot make a folder next to $QEMU_SOURCE_DIR"
        return 0
    }
    chown _apt "$work" 2>/dev/null || true
    # The same upstream version as the installed qemu-system-x86.
    ver=$(dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null || true)
    spec=qemu${ver:+=$ver}
    if ! (cd "$work" && apt-get source -qq "$spec" >/dev/null 2>&1 ||
        apt-get source -qq qemu >/dev/null 2>&1); then
        rm -rf "$work"
        qemu_source_warn "apt-get source qemu failed"
        return 0
    fi
    tree=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'qemu-*' | head -n 1)
    if [ -z "$tree" ] || [ ! -d "$tree/python/qemu/qmp" ]; then
        rm -rf "$work"
        qemu_source_warn "the unpacked source has no python/qemu/qmp"
        return 0
    fi
    rm -rf "$QEMU_SOURCE_DIR"
    mv "$tree" "$QEMU_SOURCE_DIR"
    rm -rf "$work"
}

[ -d "$QEMU_SOURCE_DIR/python/qemu/qmp" ] || fetch_qemu_source

# tests/interop/libvirt-test.py runs its private libvirtd as a session
# daemon of an unprivileged account when started as root: this one (no
# home, no login), else nobody.
LIBVIRT_TEST_USER=qmpd-libvirt
if ! getent passwd "$LIBVIRT_TEST_USER" >/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$LIBVIRT_TEST_USER" ||
            echo "warning: could not create $LIBVIRT_TEST_USER; libvirt-test uses nobody" >&2
    fi
fi
