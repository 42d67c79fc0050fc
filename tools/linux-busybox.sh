#!/usr/bin/env bash
# linux-busybox.sh OUT - Debian's busybox-static for i386 (the Linux personality's
# volume, user/linux/linux.mk) as OUT/busybox: `apt-get download` of the package into
# OUT/deb, then `dpkg-deb -x`. The binary is used as shipped, never committed. An
# amd64 host needs Debian's i386 architecture for apt to know the package: enabled
# once here (dpkg --add-architecture i386; apt-get update), as root or through sudo,
# and said so; tools/deps.sh does the same.
set -euo pipefail

out=${1:?usage: linux-busybox.sh OUT}
mkdir -p "$out/deb"
cd "$out/deb"
run=()
[ "$(id -u)" -eq 0 ] || run=(sudo -n)

if ! ls busybox-static_*_i386.deb >/dev/null 2>&1; then
  if [ "$(dpkg --print-architecture)" != i386 ] &&
     ! dpkg --print-foreign-architectures | grep -qx i386; then
    echo "linux-busybox: enabling Debian's i386 architecture: dpkg --add-architecture i386; apt-get update" >&2
    "${run[@]}" dpkg --add-architecture i386
    "${run[@]}" apt-get update -qq
  fi
  # apt-get download writes to the current directory; as root it warns that _apt
  # cannot reach it and downloads anyway.
  if ! apt-get download busybox-static:i386 2>download.log; then
    cat download.log >&2
    echo "linux-busybox: could not fetch busybox-static:i386 (no network?)" >&2
    exit 1
  fi
fi
rm -rf x
dpkg-deb -x busybox-static_*_i386.deb x
cp x/bin/busybox ../busybox
echo "linux-busybox: $(ls busybox-static_*_i386.deb) -> $out/busybox" >&2
