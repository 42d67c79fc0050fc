#!/usr/bin/env bash
# deps.sh - install the Debian packages the kit needs, if any are missing.
# Idempotent and quick when everything is there (one dpkg-query). Runs apt-get
# as root, or through sudo; otherwise says exactly what to run.
set -euo pipefail

PACKAGES=(
  make gcc gcc-multilib binutils python3     # build the kernel, run the grader
  git                                        # make handout writes a repository; students commit
  python3-yaml                               # make test: parse the GitHub workflow
  qemu-system-x86                            # boot the stages
  grub-legacy grub-common mtools genisoimage # GRUB legacy floppy and ISO images
  bochs bochsbios vgabios bochs-x bochs-sdl  # Bochs and its debugger (SDL: headless)
  xvfb xauth                                 # headless fallback for Bochs
  gdb                                        # make labN-gdb
  pci.ids                                    # lab 5 device names
  dosfstools fdisk                           # lab 7: mkfs.fat, fsck.fat, sfdisk
  qemu-user                                  # user/progs under qemu-i386 on every host (make progs-test)
  bubblewrap                                 # the sandbox a submission's code runs in (grade/sandbox.py)
  curl                                       # lab 10: the grader's HTTP client
  tcpdump                                    # lab 10: reading build/lab10/net.pcap (handouts/lab10.md)
)

# Stage 9's Linux personality runs Debian's busybox-static for i386 (make linux-img,
# tools/linux-busybox.sh): apt knows i386 packages only once the architecture is enabled.
# Once, idempotently, and said; not fatal where this user cannot (the busybox tests skip).
if [ "$(dpkg --print-architecture)" != i386 ] &&
   ! dpkg --print-foreign-architectures | grep -qx i386; then
  if [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null && sudo -n true 2>/dev/null; }; then
    sudo_=(); [ "$(id -u)" -eq 0 ] || sudo_=(sudo)
    echo "deps: enabling Debian's i386 architecture for busybox-static:i386 (make linux-img):" \
         "${sudo_[*]:+${sudo_[*]} }dpkg --add-architecture i386 && apt-get update -qq" >&2
    "${sudo_[@]}" dpkg --add-architecture i386 && "${sudo_[@]}" apt-get update -qq ||
      echo "deps: could not enable i386; make linux-img will try again" >&2
  else
    echo "deps: for make linux-img, as root: dpkg --add-architecture i386 && apt-get update" >&2
  fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: missing Debian packages: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  run=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  run=(sudo)
else
  echo "deps: cannot install them: not root and no password-less sudo. Run as root:" >&2
  echo "    apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "deps: running: ${run[*]:+${run[*]} }apt-get update -qq" >&2
"${run[@]}" apt-get update -qq
echo "deps: running: ${run[*]:+${run[*]} }apt-get install -y -qq --no-install-recommends ${missing[*]}" >&2
"${run[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: installed ${missing[*]}" >&2
