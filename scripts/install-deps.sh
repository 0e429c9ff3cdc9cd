#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the Debian packages qmpd builds and tests with, when missing.
# As root it runs apt-get; otherwise it prints the command to run.
set -e

# Build: compiler, meson, glib, json-glib, libfdt.  Tests and oracles:
# socat, qemu-system-x86 (differential tests), acpica-tools (iasl),
# dmidecode, clang-format-16 (format check), clang (second compiler).
PACKAGES="gcc pkg-config meson ninja-build python3 libglib2.0-dev \
libjson-glib-dev libfdt-dev socat clang clang-format-16 qemu-system-x86 \
acpica-tools dmidecode"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "qmpd needs these Debian packages:$missing" >&2
    echo "run: sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "installing:$missing"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
