#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the assignment's image on
# its Ubuntu 22.04 base (gradescope-autograders.readthedocs.io/en/latest/specs/):
# the packages grading needs, then the reference build the submissions start
# from. Grading boots with qemu -kernel: no GRUB legacy, no Bochs, no X.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
here="$(cd "$(dirname "$0")" && pwd)"

# mtools, dosfstools and fdisk: lab 7's volumes and checks, and the lab 8-9 program
# volumes; curl: lab 10's client.
packages=(make gcc gcc-multilib binutils python3 qemu-system-x86 grub-common pci.ids bubblewrap
          mtools dosfstools fdisk curl)
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}"

# The grader pins QEMU's machine to pc-i440fx-7.2 (grade/runner.py). Ubuntu
# 22.04's own QEMU is 6.2, which lacks it; the Ubuntu Cloud Archive for 22.04
# (antelope) carries QEMU 7.2.
if ! qemu-system-i386 -machine help | grep -q '^pc-i440fx-7.2 '; then
  apt-get install -y -qq --no-install-recommends software-properties-common
  add-apt-repository -y cloud-archive:antelope
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends qemu-system-x86
fi
qemu-system-i386 -machine help | grep -q '^pc-i440fx-7.2 ' || {
  echo "setup.sh: this QEMU has no pc-i440fx-7.2 machine; grading needs QEMU 7.2 or later" >&2
  exit 1
}

cd "$here/cairn"
mkdir -p build && touch build/.deps-ok      # the packages above are what the grader needs
make -s -j"$(nproc)" all
# The grader's tree stays root's: a submission's code runs as nobody, inside
# bubblewrap where the container allows namespaces and as nobody alone where
# it does not (grade/sandbox.py); either way it must not read the reference
# solutions or the hidden tests.
chmod -R go-rwx "$here"
echo "setup.sh: the reference build is ready"
