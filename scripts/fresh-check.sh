#!/bin/bash
# README's two commands in a clean Debian 12 root, as a new user would run
# them: debootstrap a minimal bookworm, clone this repository's HEAD into it,
# and run scripts/demo.sh then scripts/test.sh inside, in private mount and pid
# namespaces (nothing of this machine's /opt, /usr/local or packages is seen).
#
#   scripts/fresh-check.sh [--keep] [ROOT]
#
# ROOT defaults to a new directory under /var/tmp; --keep leaves it for a
# post-mortem (otherwise it is removed, pass or fail).  Needs root (debootstrap,
# chroot, namespaces) and the Debian archive that apt's own sources name.
# Exit status: that of the first command that failed, 0 when both passed.
set -euo pipefail
keep=no
[ "${1:-}" = --keep ] && { keep=yes; shift; }
repo=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "fresh-check: needs root (debootstrap, chroot)" >&2; exit 2; }

mirror=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources \
    2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { print $2; exit }' \
    /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || { echo "fresh-check: no Debian archive in apt's sources" >&2; exit 2; }

if ! command -v debootstrap >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        debootstrap >/dev/null
fi

root=${1:-$(mktemp -d /var/tmp/fluxtrace-fresh.XXXXXX)}
cleanup() {
    if [ "$keep" = yes ]; then
        echo "fresh-check: root kept at $root"
    else
        rm -rf --one-file-system "$root"
    fi
}
trap cleanup EXIT

t0=$SECONDS
echo "== debootstrap --variant=minbase bookworm $root $mirror"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 ||
    { tail -20 "$root.debootstrap.log"; exit 1; }
rm -f "$root.debootstrap.log"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# Likewise the network's own certificate authorities (a TLS-intercepting egress
# proxy's, where there is one): part of the network, not of the software; the
# root's ca-certificates package, once deps.sh installs it, trusts them.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
# debootstrap writes no /etc/hosts, which every installed Debian has: without
# it "localhost" does not resolve, and Selenium cannot reach chromedriver.
[ -e "$root/etc/hosts" ] ||
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
        >"$root/etc/hosts"
echo "deb $mirror bookworm-updates main" >>"$root/etc/apt/sources.list"

# What a new user has: the committed tree, nothing of the build here.
git clone -q --no-hardlinks "$repo" "$root/root/fluxtrace"
echo "== cloned $(git -C "$repo" rev-parse --short HEAD) into $root/root/fluxtrace"

# /dev, /sys and /proc for the root, in a mount namespace of our own: they go
# away with it.  The tests make their own namespaces inside.
# The root is bind-mounted on itself first: in a chroot whose / is not a mount
# point, the tests' own `unshare --propagation private` fails (EINVAL), which a
# real machine never sees.
inside='
set -e
mount --bind "$R" "$R"
mount --rbind /dev "$R/dev"
mount -t sysfs sysfs "$R/sys"
mount -t proc proc "$R/proc"
exec chroot "$R" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/bash -c "cd /root/fluxtrace && $CMD"
'
status=0
for cmd in scripts/demo.sh scripts/test.sh; do
    echo "== $cmd (in the fresh root)"
    t=$SECONDS
    R=$root CMD=$cmd unshare --mount --propagation private --pid --fork \
        /bin/bash -c "$inside" || status=$?
    echo "== $cmd: exit status $status after $((SECONDS - t)) s"
    [ "$status" = 0 ] || break
done
echo "fresh-check: $([ "$status" = 0 ] && echo passed || echo FAILED) in $((SECONDS - t0)) s"
exit "$status"
