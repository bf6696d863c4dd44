#!/usr/bin/env bash
# Builds (once) and unpacks a Debian 12 (bookworm) minbase root for the systemd deploy test.
#
#   bash tests/deploy/systemd/prepare-root.sh DEST
#
# The debootstrapped root is cached as runs/deploy-systemd/bookworm-minbase.tar (runs/ is
# gitignored), so the Debian mirror is asked once per clone. Every call unpacks a fresh
# copy into DEST and adds what a real Ubuntu 24.04 server has and a minbase root lacks:
# /etc/hosts (Caddy fails on "lookup localhost" without it), this network's CA
# certificates (npm fails with SELF_SIGNED_CERT_IN_CHAIN), a hostname and a machine id.
set -euo pipefail

dest="${1:?usage: prepare-root.sh DEST}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cache="$repo/runs/deploy-systemd"
tarball="$cache/bookworm-minbase.tar"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# systemd to boot, dbus for systemctl, procps for sysctl/ps (Ubuntu has both).
include="systemd,systemd-sysv,dbus,procps,ca-certificates,iproute2,less"

mkdir -p "$cache"
if [[ ! -f $tarball ]]; then
  build="$cache/build.$$"
  rm -rf "$build"
  echo "prepare-root: debootstrap bookworm (minbase) from $mirror, once; cached as $tarball"
  debootstrap --variant=minbase --include="$include" bookworm "$build" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -n 20 "$cache/debootstrap.log" >&2; rm -rf "$build"; exit 1; }
  rm -rf "$build/var/cache/apt/archives/"*.deb
  tar -C "$build" -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  rm -rf "$build"
fi

rm -rf "$dest"
mkdir -p "$dest"
tar -C "$dest" -xf "$tarball"

# dpkg without an fsync per file: a throwaway root on a shared disk unpacks minutes faster.
echo force-unsafe-io >"$dest/etc/dpkg/dpkg.cfg.d/quiz-test-unsafe-io"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$dest/etc/hosts"
echo quiz-deploy-test >"$dest/etc/hostname"
# A machine id of its own, so journald keeps a journal that survives the reboot check.
systemd-id128 new >"$dest/etc/machine-id"
mkdir -p "$dest/var/log/journal"
shopt -s nullglob
certs=(/usr/local/share/ca-certificates/*.crt)
if [[ ${#certs[@]} -gt 0 ]]; then
  mkdir -p "$dest/usr/local/share/ca-certificates"
  cp "${certs[@]}" "$dest/usr/local/share/ca-certificates/"
  chroot "$dest" update-ca-certificates >/dev/null 2>&1
fi
# Caches shared between runs so apt, npm and bun download each package once.
mkdir -p "$cache/apt-archives/partial" "$cache/npm-cache" /var/tmp/quiz-deploy-systemd/bun-cache
echo "prepare-root: $dest ready"
