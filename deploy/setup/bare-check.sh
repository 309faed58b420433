#!/usr/bin/env bash
# bare-check.sh [--root DIR] [--keep] COMMAND... - runs the README's commands on a bare Debian 12: a fresh
# `debootstrap --variant=minbase` tree (nothing but Debian's required packages: no JDK, no make, no iproute2,
# no certificates), with a clone of this repository's committed HEAD in /root/vigil. Each COMMAND runs there with
# `bash -c` in order, timed; the first that fails stops the run.
#
#   sudo deploy/setup/bare-check.sh 'apt-get update -q && apt-get install -y -q make' 'make lab' 'make test'
#
# The tree is entered with chroot inside a private mount namespace (unshare -m), with /proc, /sys, /dev and a
# fresh /run and /tmp, so the lab's namespaces and bind mounts stay inside and vanish with it; it shares the host's
# network (apt and Maven Central are reached as on a fresh machine). With --root, a tree and its clone (same HEAD)
# are reused, so the commands can be run in several steps (e.g. the namespaced ones later, under the lock). Namespaced tests and labs need the machine-wide
# lock on a shared machine: run this script under `flock /tmp/vigil-ns.lock`.
# --root DIR  where the tree goes (default: a new directory under /var/tmp; an existing tree is reused as it is)
# --keep      leave the tree in place afterwards (it is deleted otherwise)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
root="" keep=0
while [[ ${1:-} == --* ]]; do
    case $1 in
        --root) root=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        *) echo "bare-check: unknown option $1" >&2; exit 2 ;;
    esac
done
(($#)) || { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[[ $EUID -eq 0 ]] || { echo "bare-check: run as root (debootstrap, chroot, mounts)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "bare-check: needs debootstrap (apt-get install debootstrap)" >&2; exit 1; }
[[ -n $root ]] || root=$(mktemp -d /var/tmp/vigil-bare.XXXXXX)

t0=$SECONDS
if [[ ! -x $root/bin/bash ]]; then
    mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
    echo "bare-check: debootstrap --variant=minbase bookworm into $root"
    debootstrap --variant=minbase bookworm "$root" "${mirror:-http://deb.debian.org/debian}" >"$root.debootstrap.log" 2>&1 ||
        { tail -5 "$root.debootstrap.log" >&2; exit 1; }
    echo "bare-check: bare tree ready in $((SECONDS - t0)) s"
fi
cleanup() { [[ $keep == 1 ]] && echo "bare-check: tree kept in $root" || rm -rf "$root" "$root.debootstrap.log"; }
trap cleanup EXIT
cp /etc/resolv.conf "$root/etc/resolv.conf"
# The host's local CA certificates (where TLS leaves through an intercepting proxy, its CA is one of them) are part
# of the machine, not of the project: the tree gets them before anything is installed, so Debian's ca-certificates
# and the JDK's trust store include them as they do on every machine of such a place.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
# Java does not read that directory: such a machine's JDK trust store gets the proxy's CA from the machine's own
# set-up. The tree's Maven is pointed at a copy of the host's trust store instead (MAVEN_OPTS), Maven only.
maven_opts=""
if [[ -s /etc/ssl/certs/java/cacerts ]]; then
    mkdir -p "$root/usr/local/share/bare-check"
    cp /etc/ssl/certs/java/cacerts "$root/usr/local/share/bare-check/cacerts"
    maven_opts="-Djavax.net.ssl.trustStore=/usr/local/share/bare-check/cacerts -Djavax.net.ssl.trustStorePassword=changeit"
fi
if [[ $(git -C "$root/root/vigil" rev-parse HEAD 2>/dev/null) != "$(git -C "$here" rev-parse HEAD)" ]]; then
    rm -rf "$root/root/vigil"
    git clone -q "$here" "$root/root/vigil"
    echo "bare-check: /root/vigil is a clone of $(git -C "$here" rev-parse --short HEAD) ($(git -C "$here" log -1 --format=%s | cut -c1-70))"
else
    echo "bare-check: /root/vigil (clone of $(git -C "$here" rev-parse --short HEAD)) kept from the previous run on this tree"
fi
echo "bare-check: in the tree: JDKs [$(ls "$root/usr/lib/jvm" 2>/dev/null | tr "\n" " ")], make $(chroot "$root" sh -c 'command -v make || echo absent')"

rc=0
for cmd in "$@"; do
    echo "bare-check: ---- $cmd"
    t=$SECONDS
    if unshare --mount --propagation private -- /bin/bash -c '
            r=$1; shift
            mount -t proc proc "$r/proc" && mount -t sysfs sysfs "$r/sys" && mount --rbind /dev "$r/dev" &&
            mount -t tmpfs tmpfs "$r/run" && mount -t tmpfs tmpfs "$r/tmp" || exit 1
            exec chroot "$r" /usr/bin/env -i HOME=/root TERM=dumb PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
                 LANG=C.UTF-8 MAVEN_OPTS="$2" /bin/bash -c "cd /root/vigil && $1"' _ "$root" "$cmd" "$maven_opts"; then
        echo "bare-check: ---- ok in $((SECONDS - t)) s: $cmd"
    else
        rc=$?
        echo "bare-check: ---- FAILED (exit $rc) after $((SECONDS - t)) s: $cmd"
        break
    fi
done
echo "bare-check: total $((SECONDS - t0)) s"
exit $rc
