#!/bin/sh
# provision.sh - turns a Debian 12 machine into a node of the tutorial's pair: installs Vigil's .deb, writes the
# tutorial's three files into /etc/ha.d, enables (and starts) vigil under systemd.
# Used by both labs, so they cannot drift: the VM lab (deploy/vmlab/vmlab.sh, whose image already holds every
# dependency: nothing is downloaded) and the Vagrantfile (deploy/vagrant/, where apt fetches what is missing).
#
#   provision.sh [--no-start] [--bcast IFACE] DEB
#
# --bcast IFACE   the heartbeat interface when the machine's LAN NIC is not eth0 (Vagrant's private network is
#                 eth1); everything else is the tutorial's text, taken from the package's own copy of
#                 deploy/examples/tutorial (/usr/share/doc/vigil/examples/tutorial).
# --no-start      enable the unit but leave the daemon stopped (the VM lab starts both nodes at once).
# Existing files in /etc/ha.d are kept: provisioning never overwrites an operator's configuration.
set -eu
start=1 bcast=""
while [ $# -gt 1 ]; do
    case $1 in
        --no-start) start=0; shift ;;
        --bcast) bcast=$2; shift 2 ;;
        *) break ;;
    esac
done
[ $# -eq 1 ] && [ -f "$1" ] || { echo "usage: provision.sh [--no-start] [--bcast IFACE] vigil_VERSION_all.deb" >&2; exit 2; }
deb=$1
export DEBIAN_FRONTEND=noninteractive

# The package's dependencies: only what is missing, so an offline machine that has them all never calls apt.
need=""
for p in $(dpkg-deb -f "$deb" Depends | sed 's/([^)]*)//g; s/|[^,]*//g; s/,/ /g'); do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need="$need $p"
done
if [ -n "$need" ]; then
    echo "provision: installing the package's dependencies:$need"
    apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $need >/dev/null
fi

# The package first: with no ha.cf yet its unit does not start (ConditionPathExists), so nothing runs half-set-up.
dpkg -i "$deb" >/dev/null
echo "provision: $(dpkg-query -W -f='${Package} ${Version}' vigil) installed"

examples=/usr/share/doc/vigil/examples/tutorial
install -d -m 0755 /etc/ha.d
for f in ha.cf authkeys haresources; do
    if [ -e "/etc/ha.d/$f" ]; then
        echo "provision: /etc/ha.d/$f exists, kept"
    elif [ "$f" = ha.cf ] && [ -n "$bcast" ]; then
        sed "s/^bcast .*/bcast $bcast/" "$examples/ha.cf" > /etc/ha.d/ha.cf
    else
        cp "$examples/$f" "/etc/ha.d/$f"
    fi
done
chmod 600 /etc/ha.d/authkeys
echo "provision: /etc/ha.d has the tutorial's ha.cf, authkeys (mode $(stat -c %a /etc/ha.d/authkeys)) and haresources"

systemctl enable vigil.service >/dev/null 2>&1
if [ "$start" = 1 ]; then
    systemctl restart vigil.service
    echo "provision: vigil $(systemctl is-active vigil.service)"
fi
