#!/bin/sh
# deps.sh TARGET... - installs the Debian packages a make target needs, so that on a fresh Debian 12 machine
# `make lab` and `make test` do all their own set-up (as root; apt-get, nothing else). Says what it installs.
#
#   build    a JDK >= 17 to compile with (openjdk-17-jdk-headless unless one is there), curl and CA certificates
#            for the Maven wrapper (it fetches Maven and the dependencies from Maven Central)
#   lab      build + what the namespace lab runs: iproute2, iputils-arping, a ping, tcpdump, util-linux
#   test     lab + what the tests use: the real Heartbeat 3.0.6 (interop tests), resource-agents (send_arp,
#            OCF agents), net-tools (Heartbeat's IPaddr), ndisc6, procps, psmisc, kmod, make
#   vm-lab   build + what the VM lab runs on the host: QEMU, qemu-img, debootstrap, python3 (guest agent client)
#
# Only missing packages are installed. Package daemons are kept from starting while installing (policy-rc.d; an
# existing one is left alone). Without root, or without apt-get, it lists what is missing and stops.
# VIGIL_NO_INSTALL=1 (or LAB_NO_INSTALL=1) never installs: missing packages are an error.
set -eu

pkgs_build="openjdk-17-jdk-headless curl ca-certificates"
pkgs_lab="iproute2 iputils-arping tcpdump util-linux"
pkgs_test="heartbeat resource-agents net-tools ndisc6 procps psmisc kmod make cluster-glue iptables socat chromium chromium-driver prometheus logrotate man-db bash-completion corosync pacemaker pacemaker-cli-utils crmsh pcs"
pkgs_vm_lab="qemu-system-x86 qemu-utils debootstrap python3 iproute2 tcpdump e2fsprogs util-linux"

# A JDK >= 17 anywhere the launcher and the Maven wrapper look counts, whichever package brought it.
have_jdk() {
    for javac in ${JAVA_HOME:+"$JAVA_HOME/bin/javac"} $(command -v javac 2>/dev/null) /usr/lib/jvm/*/bin/javac; do
        [ -x "$javac" ] || continue
        major=$("$javac" -version 2>&1 | sed -n 's/^javac \([0-9]*\).*/\1/p')
        [ "${major:-0}" -ge 17 ] && return 0
    done
    return 1
}
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

want=""
for target in "$@"; do
    case $target in
        build)  want="$want $pkgs_build" ;;
        lab)    want="$want $pkgs_build $pkgs_lab" ;;
        test)   want="$want $pkgs_build $pkgs_lab $pkgs_test" ;;
        vm-lab) want="$want $pkgs_build $pkgs_vm_lab" ;;
        *) echo "deps.sh: unknown target '$target' (build, lab, test, vm-lab)" >&2; exit 2 ;;
    esac
done

missing=""
for p in $want; do
    case " $missing " in *" $p "*) continue ;; esac
    if [ "$p" = openjdk-17-jdk-headless ]; then
        have_jdk && continue
    elif command -v dpkg-query >/dev/null 2>&1; then
        installed "$p" && continue
    fi
    missing="$missing $p"
done
# Any ping will do (a Debian image may ship inetutils-ping; iputils-ping would replace it).
command -v ping >/dev/null 2>&1 || case " $* " in *" lab "*|*" test "*|*" vm-lab "*) missing="$missing iputils-ping" ;; esac
missing=${missing# }
[ -z "$missing" ] && exit 0

if [ "${VIGIL_NO_INSTALL:-${LAB_NO_INSTALL:-0}}" = 1 ] || [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "deps.sh: 'make $*' needs these Debian packages: $missing" >&2
    echo "deps.sh: install them (as root: apt-get install --no-install-recommends $missing) and run it again" >&2
    exit 1
fi

echo "deps.sh: installing for 'make $*': $missing"
made_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
    # heartbeat's init script would otherwise start the real daemon on this machine
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made_policy=1
fi
trap 'if [ -n "$made_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi' EXIT
export DEBIAN_FRONTEND=noninteractive
t0=$(date +%s)
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/tmp/vigil-deps.log 2>&1 ||
    { tail -n 20 /tmp/vigil-deps.log >&2; echo "deps.sh: apt-get install failed (log: /tmp/vigil-deps.log)" >&2; exit 1; }
echo "deps.sh: installed in $(( $(date +%s) - t0 )) s"
