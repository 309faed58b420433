#!/usr/bin/env bash
# vmlab.sh - the two-VM lab: linux1 and linux2 are real Debian 12 machines (QEMU), Vigil installed from its .deb,
# run by systemd, with the tutorial's three files unchanged.
#
#   network namespace vm-lab (nothing of the lab exists in the host's own namespace)
#     br0 192.0.2.1/24  the "router" (ha.cf's ping node); taps of the VMs; QEMU processes; file server :8000
#     linux1  eth0 192.0.2.11  52:54:00:00:00:11  (VM: systemd, Vigil, guest agent)
#     linux2  eth0 192.0.2.12  52:54:00:00:00:12
#   network namespace vm-client: eth0 192.0.2.100, pings the VIP 192.0.2.253 and records who answers
#
# Usage: vmlab.sh SUBCOMMAND [ARGS]
#   image [--rebuild]       build (or reuse) the cached base image: Debian 12 + Vigil's runtime dependencies
#   up                      namespaces, bridge, both VMs on fresh disks; returns when both run commands
#   install                 the .deb (target/vigil_*_all.deb) and the tutorial's files on both VMs (not started)
#   demo                    what `make vm-lab` runs: image, up, install, start, power-off of linux1, failover,
#                           power-on, failback, timeline; then down
#   story                   the demo's story alone, on a lab that is up and installed (VMs left running)
#   scenario NAME...        one or more scenarios on a lab that is up and installed (see `scenario list`)
#   test                    what `make test-vm` runs: demo checks and every scenario, PASS/FAIL/SKIP, then down
#   exec NODE CMD...        run CMD with /bin/sh -c inside NODE (guest agent, no network needed)
#   copy NODE FILE DEST     put a host file into NODE
#   poweroff NODE           pull the plug: QEMU quits at once (the disk is kept, like a power cut)
#   poweron NODE            boot NODE again on the same disk; returns when it runs commands
#   status                  the VMs (PID, memory, state) and the namespaces
#   down                    stop everything the lab started, delete its namespaces (safe at any time)
#
# Knobs: VMLAB_DIR (/var/tmp/vigil-vmlab: disks, sockets, logs), VMLAB_CACHE (/var/cache/vigil-vmlab: image),
# VMLAB_NS_PREFIX (vm-), VMLAB_MEM (768 MiB), VMLAB_ACCEL (auto|kvm|tcg), VMLAB_BOOT_TIMEOUT (600 s), VMLAB_WAIT (900 s: longest wait for one step),
# VMLAB_PROBE_INTERVAL (0.05 s), VMLAB_DEB (the package to install), VMLAB_EXTRA_PKGS (more guest packages),
# VMLAB_MIRROR (Debian mirror for the image; default: the host's apt sources), VMLAB_NO_INSTALL=1 (no apt-get
# on the host), VMLAB_KEEP=1 (demo: leave the lab up at the end, passed or failed), VMLAB_WATCHDOG_SEC (a drop-in
# replacing the unit's WatchdogSec=5s in the guests; unset: the package as shipped).
set -uo pipefail
export LC_ALL=C TZ=UTC

VMLAB_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$VMLAB_HOME/../.." && pwd)
QGA=$VMLAB_HOME/qga.py
VMLAB_DIR=${VMLAB_DIR:-/var/tmp/vigil-vmlab}
VMLAB_CACHE=${VMLAB_CACHE:-/var/cache/vigil-vmlab}
NSP=${VMLAB_NS_PREFIX:-vm-}
NS_LAB=${NSP}lab
NS_CLIENT=${NSP}client
VMLAB_MEM=${VMLAB_MEM:-768}
VMLAB_ACCEL=${VMLAB_ACCEL:-auto}
VMLAB_BOOT_TIMEOUT=${VMLAB_BOOT_TIMEOUT:-600}
VMLAB_WAIT=${VMLAB_WAIT:-900}   # longest wait for a step of the story or a scenario (VIP up, failover, failback)
PROBE_INTERVAL=${VMLAB_PROBE_INTERVAL:-0.05}
SUITE=bookworm
NODES=(linux1 linux2)
ROUTER_IP=192.0.2.1
CLIENT_IP=192.0.2.100
CLIENT_MAC=52:54:00:00:00:64
VIP=192.0.2.253
SHARE_PORT=8000
FENCE_PORT_BASE=4400   # QMP of linux<N> for the fencing plugin: ROUTER_IP:4400+N, inside vm-lab only
RUN=$VMLAB_DIR/run
SHARE=$VMLAB_DIR/share
PIDS=$VMLAB_DIR/lab.pids
EVENTS=$VMLAB_DIR/events.txt
PROBE=$VMLAB_DIR/probe.txt

# What the guests get: a bootable systemd machine with the guest agent, Vigil's runtime dependencies (the .deb's
# Depends and Recommends, so dpkg -i works without a network), cluster-glue (`stonith`) and resource-agents
# (Heartbeat's scripts), and the tools the scenarios use. The image is rebuilt when this list changes.
GUEST_PKGS="systemd-sysv udev dbus kmod linux-image-amd64 qemu-guest-agent procps less iproute2 iputils-ping
iputils-arping netcat-openbsd tcpdump curl ca-certificates openjdk-17-jre-headless ndisc6 adduser python3
cluster-glue resource-agents psmisc ${VMLAB_EXTRA_PKGS:-}"
IMG_KEY=$(echo "$SUITE $GUEST_PKGS v1" | tr -s ' \n' ' ' | md5sum | cut -c1-10)
IMG=$VMLAB_CACHE/image-$IMG_KEY

say() { printf '[vm-lab %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
now() { echo "$EPOCHREALTIME"; }
need_root() { [[ $EUID -eq 0 ]] || die "run as root (network namespaces, taps, QEMU): e.g. sudo make vm-lab"; }
node_ok() { case ${1:-} in linux1|linux2) ;; *) die "NODE must be linux1 or linux2 (got '${1:-}')" ;; esac; }
idx() { echo "${1#linux}"; }
ip_of() { echo "192.0.2.1$(idx "$1")"; }
mac_of() { echo "52:54:00:00:00:1$(idx "$1")"; }
node_of_mac() { case $1 in "$(mac_of linux1)") echo linux1 ;; "$(mac_of linux2)") echo linux2 ;; *) echo "$1" ;; esac; }
ndir() { echo "$RUN/$1"; }
ns_exists() { [[ -e /run/netns/$1 ]]; }
in_lab() { ip netns exec "$NS_LAB" "$@"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# ------------------------------------------------------------------------------------------------ host packages
host_pkgs() {   # host_pkgs CMD:PACKAGE ... installs what is missing (root on Debian), or says what to install
  local spec miss=()
  for spec in "$@"; do command -v "${spec%%:*}" >/dev/null 2>&1 || miss+=("${spec#*:}"); done
  ((${#miss[@]})) || return 0
  if [[ ${VMLAB_NO_INSTALL:-0} == 1 ]] || ! command -v apt-get >/dev/null 2>&1; then
    die "missing host packages: apt-get install --no-install-recommends ${miss[*]}"
  fi
  say "installing on this host: ${miss[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "${miss[@]}" >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null 2>&1; apt-get install -y -q --no-install-recommends "${miss[@]}" >/dev/null; } ||
    die "apt-get install ${miss[*]} failed"
}
need_host_tools() {
  host_pkgs qemu-system-x86_64:qemu-system-x86 qemu-img:qemu-utils debootstrap:debootstrap python3:python3-minimal \
            ip:iproute2 tcpdump:tcpdump ping:iputils-ping setpriv:util-linux mkfs.ext4:e2fsprogs
}

# ------------------------------------------------------------------------------------------------ base image
mirror() {
  [[ -n ${VMLAB_MIRROR:-} ]] && { echo "$VMLAB_MIRROR"; return; }
  local m
  m=$(awk -v s="$SUITE" 'BEGIN { RS = ""; FS = "\n" }
        { u = ""; ok = 0; for (i = 1; i <= NF; i++) { if ($i ~ /^URIs:/) { split($i, a, /[ \t]+/); u = a[2] }
                                                       if ($i ~ /^Suites:/ && $i ~ ("[ \t]" s "([ \t]|$)")) ok = 1 }
          if (ok && u != "") { print u; exit } }' /etc/apt/sources.list.d/*.sources 2>/dev/null)
  [[ -n $m ]] || m=$(awk -v s="$SUITE" '$1 == "deb" { for (i = 2; i < NF; i++) if ($i !~ /^\[/ && $(i + 1) == s) { print $i; exit } }' \
                        /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null)
  echo "${m:-http://deb.debian.org/debian}"
}

image_ready() { [[ -s $IMG/base.qcow2 && -s $IMG/vmlinuz && -s $IMG/initrd.img ]]; }

cmd_image() {
  need_root
  [[ ${1:-} != --rebuild ]] && image_ready && { say "base image cached: $IMG"; return 0; }
  need_host_tools
  local t0 root; t0=$(now); root=$VMLAB_CACHE/rootfs.tmp
  mkdir -p "$VMLAB_CACHE/debs" "$IMG"
  release_chroot "$root"; rm -rf "$root"
  say "building the base image (debootstrap $SUITE from $(mirror), $(wc -w <<<"$GUEST_PKGS") packages; a few minutes, once)"
  trap 'release_chroot "'"$root"'"' EXIT
  nice -n 10 debootstrap --variant=minbase --include="$(echo $GUEST_PKGS | tr ' ' ,)" --cache-dir="$VMLAB_CACHE/debs" \
      "$SUITE" "$root" "$(mirror)" >"$VMLAB_CACHE/debootstrap.log" 2>&1 ||
    { tail -5 "$VMLAB_CACHE/debootstrap.log" >&2; die "debootstrap failed (log: $VMLAB_CACHE/debootstrap.log)"; }
  guest_config "$root"
  release_chroot "$root"; trap - EXIT
  cp "$(ls "$root"/boot/vmlinuz-* | sort -V | tail -1)" "$IMG/vmlinuz"
  cp "$(ls "$root"/boot/initrd.img-* | sort -V | tail -1)" "$IMG/initrd.img"
  # ext4 straight from the tree (no loop device), then qcow2 so each VM gets a thin copy-on-write overlay
  truncate -s 4G "$IMG/base.raw" && nice -n 10 mkfs.ext4 -q -F -L vmlab -d "$root" "$IMG/base.raw" &&
    nice -n 10 qemu-img convert -f raw -O qcow2 "$IMG/base.raw" "$IMG/base.qcow2.tmp" || die "making the disk image failed"
  mv "$IMG/base.qcow2.tmp" "$IMG/base.qcow2"; rm -f "$IMG/base.raw"; rm -rf "$root"
  say "base image ready in $(secs "$t0" "$(now)") s: $IMG ($(du -sh "$IMG" | cut -f1))"
}

release_chroot() { local m; for m in dev/pts dev proc sys; do mountpoint -q "$1/$m" 2>/dev/null && umount -l "$1/$m"; done; return 0; }

guest_config() {
  local r=$1 u
  printf '127.0.0.1 localhost\n%s router\n%s linux1\n%s linux2\n' "$ROUTER_IP" "$(ip_of linux1)" "$(ip_of linux2)" > "$r/etc/hosts"
  echo "/dev/vda / ext4 rw,errors=remount-ro 0 1" > "$r/etc/fstab"
  : > "$r/etc/resolv.conf"      # nothing beyond the lab bridge
  # root on the serial console without a password (no network login exists); the console is logged on the host
  chroot "$r" passwd -d root >/dev/null
  mkdir -p "$r/etc/systemd/system/serial-getty@ttyS0.service.d"
  printf '[Service]\nExecStart=\nExecStart=-/sbin/agetty --autologin root --noclear --keep-baud 115200 %%I $TERM\n' \
    > "$r/etc/systemd/system/serial-getty@ttyS0.service.d/autologin.conf"
  # eth0's address comes from the kernel command line (ip=...), turned into a networkd unit at boot
  chroot "$r" systemctl enable systemd-networkd.service systemd-network-generator.service >/dev/null 2>&1
  for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer man-db.timer e2scrub_reap.service \
           logrotate.timer; do
    chroot "$r" systemctl mask "$u" >/dev/null 2>&1
  done
  # the journal in RAM: a hard power-off leaves nothing half-written; Vigil's own logfile is on disk
  mkdir -p "$r/etc/systemd/journald.conf.d"
  printf '[Journal]\nStorage=volatile\nRuntimeMaxUse=32M\n' > "$r/etc/systemd/journald.conf.d/vmlab.conf"
  rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/*_Packages
  : > "$r/etc/machine-id"; rm -f "$r/var/lib/dbus/machine-id"
  echo "vigil vm-lab guest, $SUITE, built $(date -u +%F)" > "$r/etc/vmlab-release"
}

# ------------------------------------------------------------------------------------------------ processes we own
# Every long-lived process the lab starts on the host side is recorded as "PID COMM ROLE"; it is only ever ended
# by that PID and only while /proc/PID/comm still matches.
own() { echo "$1 $2 $3" >> "$PIDS"; }   # own PID COMM ROLE (COMM: what the process execs into)
owned_alive() { local p=$1 c=$2; [[ -r /proc/$p/comm && $(<"/proc/$p/comm") == "$c" ]]; }
end_owned() {   # end_owned ROLE-PATTERN
  [[ -s $PIDS ]] || return 0
  local p c role
  while read -r p c role; do
    [[ $role == $1 ]] && owned_alive "$p" "$c" && kill "$p" 2>/dev/null
  done < "$PIDS"
  awk -v pat="$1" 'BEGIN { gsub(/\*/, ".*", pat) } $3 !~ ("^" pat "$")' "$PIDS" > "$PIDS.tmp"; mv "$PIDS.tmp" "$PIDS"
}

# ------------------------------------------------------------------------------------------------ network
net_up() {
  local ns
  for ns in "$NS_LAB" "$NS_CLIENT"; do
    ns_exists "$ns" && die "namespace $ns exists already: run 'vmlab.sh down' (make vm-lab-down) first"
  done
  ip netns add "$NS_LAB" && ip netns add "$NS_CLIENT" || die "ip netns add failed"
  for ns in "$NS_LAB" "$NS_CLIENT"; do
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  done
  # a fixed address: otherwise the bridge (the router) takes the lowest MAC of its ports and may change it under
  # the guests' neighbour entries as the taps come and go
  ip -n "$NS_LAB" link add br0 address 52:54:00:00:00:01 type bridge stp_state 0 forward_delay 0
  ip -n "$NS_LAB" addr add "$ROUTER_IP/24" brd + dev br0
  ip -n "$NS_LAB" link set br0 up
  local n
  for n in "${NODES[@]}"; do
    ip -n "$NS_LAB" tuntap add dev "tap-$n" mode tap
    ip -n "$NS_LAB" link set "tap-$n" master br0 up
  done
  ip -n "$NS_CLIENT" link add eth0 type veth peer name sw-client netns "$NS_LAB"
  ip -n "$NS_LAB" link set sw-client master br0 up
  ip -n "$NS_CLIENT" link set eth0 address "$CLIENT_MAC"
  ip -n "$NS_CLIENT" addr add "$CLIENT_IP/24" brd + dev eth0
  ip -n "$NS_CLIENT" link set eth0 up
  ip -n "$NS_CLIENT" route add default via "$ROUTER_IP"
  # files for the guests (the .deb, the lab's scripts) over HTTP on the lab bridge: ~100x faster than the agent
  mkdir -p "$SHARE"
  ip netns exec "$NS_LAB" python3 -m http.server --bind "$ROUTER_IP" --directory "$SHARE" "$SHARE_PORT" \
    </dev/null >"$VMLAB_DIR/share.log" 2>&1 &
  own $! python3 share
}

# ------------------------------------------------------------------------------------------------ VMs
accel() {
  case $VMLAB_ACCEL in
    kvm|tcg) echo "$VMLAB_ACCEL" ;;
    # /dev/kvm served by the PVM module (clouds without nested virtualisation) cannot run a stock Debian kernel
    # at useful speed: only real hardware KVM counts.
    auto) if [[ -w /dev/kvm && ! -d /sys/module/kvm_pvm ]] && grep -qE 'vmx|svm' /proc/cpuinfo; then echo kvm; else echo tcg; fi ;;
    *) die "VMLAB_ACCEL must be auto, kvm or tcg" ;;
  esac
}
accel_args() {
  # TCG: Nehalem (x86-64-v2, no AVX) boots cleanly under QEMU 7.2's emulation; tb-size caps the code cache's RSS
  case $(accel) in kvm) echo "-accel kvm -cpu host" ;; tcg) echo "-accel tcg,thread=multi,tb-size=256 -cpu Nehalem" ;; esac
}

qemu_pid() {   # the PID of NODE's QEMU, only if that process is really our QEMU for NODE
  local f p; f=$(ndir "$1")/qemu.pid
  [[ -s $f ]] || return 1
  p=$(<"$f")
  tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -q -- "-name $1 .*$(ndir "$1")/" || return 1
  echo "$p"
}

vm_start() {   # vm_start NODE [fresh]
  local n=$1 d; d=$(ndir "$n")
  qemu_pid "$n" >/dev/null && { say "$n is already running"; return 0; }
  image_ready || die "no base image: run 'vmlab.sh image'"
  mkdir -p "$d"
  if [[ ${2:-} == fresh || ! -s $d/disk.qcow2 ]]; then
    rm -f "$d/disk.qcow2"; qemu-img create -q -f qcow2 -F qcow2 -b "$IMG/base.qcow2" "$d/disk.qcow2" || die "overlay for $n"
  fi
  rm -f "$d"/*.sock "$d/qemu.pid"
  [[ -f $d/serial.log ]] && cat "$d/serial.log" >> "$d/serial.old.log" && rm -f "$d/serial.log"
  local append="root=/dev/vda rw console=ttyS0,115200 net.ifnames=0 systemd.hostname=$n"
  append+=" systemd.machine_id=$(printf 'vigil-vmlab-%s' "$n" | md5sum | cut -c1-32)"
  append+=" ip=$(ip_of "$n")::$ROUTER_IP:255.255.255.0:$n:eth0:off"
  date +%s.%N > "$d/started_at"
  # QEMU runs inside the lab namespace (its taps and the fencing monitor live there), without CAP_SYS_BOOT.
  # shellcheck disable=SC2046
  ip netns exec "$NS_LAB" setpriv --bounding-set -sys_boot --inh-caps -sys_boot -- \
    qemu-system-x86_64 -name "$n" $(accel_args) -smp 1 -m "$VMLAB_MEM" -nodefaults -no-user-config -display none \
    -kernel "$IMG/vmlinuz" -initrd "$IMG/initrd.img" -append "$append" \
    -drive "file=$d/disk.qcow2,if=virtio,format=qcow2,cache=unsafe" \
    -netdev "tap,id=net0,ifname=tap-$n,script=no,downscript=no" -device "virtio-net-pci,netdev=net0,mac=$(mac_of "$n")" \
    -chardev "socket,id=console,path=$d/console.sock,server=on,wait=off,logfile=$d/serial.log" -serial chardev:console \
    -device virtio-serial-pci \
    -chardev "socket,id=agent,path=$d/agent.sock,server=on,wait=off" \
    -device virtserialport,chardev=agent,name=org.qemu.guest_agent.0 \
    -qmp "unix:$d/qmp.sock,server=on,wait=off" \
    -chardev "socket,id=fence,host=$ROUTER_IP,port=$((FENCE_PORT_BASE + $(idx "$n"))),server=on,wait=off" \
    -mon chardev=fence,mode=control \
    -device virtio-rng-pci \
    -daemonize -pidfile "$d/qemu.pid" || die "QEMU for $n did not start"
  say "$n: QEMU pid $(<"$d/qemu.pid"), $(accel), ${VMLAB_MEM} MiB, $(ip_of "$n")"
}

vm_wait() {   # returns when NODE's guest agent ran a command; prints the seconds since QEMU started
  local n=$1 d; d=$(ndir "$n")
  python3 "$QGA" wait "$d/agent.sock" "$VMLAB_BOOT_TIMEOUT" || die "$n did not come up in $VMLAB_BOOT_TIMEOUT s (console: $d/serial.log)"
  secs "$(<"$d/started_at")" "$(now)"
}

vm_poweroff() {   # pull the plug: QMP quit ends QEMU at once, without a guest shutdown; the disk overlay stays
  local n=$1 p; p=$(qemu_pid "$n") || { say "$n is not running"; return 0; }
  python3 "$QGA" qmp "$(ndir "$n")/qmp.sock" quit >/dev/null 2>&1 || kill -KILL "$p"
  local i; for i in $(seq 100); do [[ -d /proc/$p ]] || break; sleep 0.05; done
  [[ -d /proc/$p ]] && { kill -KILL "$p"; sleep 0.2; }
  rm -f "$(ndir "$n")/qemu.pid"
}

gx() {   # gx NODE CMD: run CMD in NODE through the guest agent
  local n=$1; shift
  python3 "$QGA" exec "$(ndir "$n")/agent.sock" "${VMLAB_EXEC_TIMEOUT:-300}" "$*"
}

# ------------------------------------------------------------------------------------------------ up / down
cmd_up() {
  need_root; need_host_tools
  [[ -n $(qemu_pid linux1) || -n $(qemu_pid linux2) ]] 2>/dev/null && die "the lab is already up (vmlab.sh down first)"
  cmd_image
  mkdir -p "$RUN" "$SHARE"; : > "$PIDS"; rm -f "$RUN"/*/disk.qcow2 "$VMLAB_DIR/features.txt"
  net_up
  local n t0; t0=$(now)
  for n in "${NODES[@]}"; do vm_start "$n" fresh; done
  local w
  for n in "${NODES[@]}"; do w=$(vm_wait "$n") || exit 1; say "$n runs commands $w s after QEMU started"; done
  say "up in $(secs "$t0" "$(now)") s: linux1 $(ip_of linux1), linux2 $(ip_of linux2), router $ROUTER_IP (namespace $NS_LAB), client $CLIENT_IP ($NS_CLIENT)"
}

cmd_down() {
  need_root
  local n p
  for n in "${NODES[@]}"; do
    p=$(qemu_pid "$n") || continue
    # a polite ACPI power-off first (nothing of a VM needs to survive, but it is quicker on the host), then quit
    python3 "$QGA" qmp "$(ndir "$n")/qmp.sock" quit >/dev/null 2>&1 || kill -KILL "$p" 2>/dev/null
  done
  end_owned '*'
  for n in "${NODES[@]}"; do
    p=$(qemu_pid "$n") && { sleep 1; kill -KILL "$p" 2>/dev/null; }
    rm -f "$(ndir "$n")/qemu.pid"
  done
  local ns
  for ns in "$NS_CLIENT" "$NS_LAB"; do
    ns_exists "$ns" || continue
    # only processes of the lab's own namespaces, which the lab created
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    sleep 0.2
    ip netns del "$ns" 2>/dev/null || say "could not delete namespace $ns"
  done
  say "down: VMs stopped, namespaces $NS_LAB and $NS_CLIENT removed (image kept in $VMLAB_CACHE, logs in $RUN/*/serial*.log)"
}

cmd_status() {
  local n p
  for n in "${NODES[@]}"; do
    if p=$(qemu_pid "$n"); then
      echo "$n: running, QEMU pid $p, RSS $(awk '/VmRSS/ { printf "%d MiB", $2 / 1024 }' "/proc/$p/status"), $(ip_of "$n")," \
           "vigil $(gx "$n" 'systemctl is-active vigil' 2>/dev/null), VIP $(gx "$n" "ip -4 -o addr show dev eth0 | grep -q ' $VIP/' && echo HERE || echo absent" 2>/dev/null)"
    else
      echo "$n: stopped"
    fi
  done
  for n in "$NS_LAB" "$NS_CLIENT"; do ns_exists "$n" && echo "namespace $n: up" || echo "namespace $n: absent"; done
}

# ------------------------------------------------------------------------------------------------ the package
deb_file() {
  local d=${VMLAB_DEB:-}
  [[ -n $d ]] || d=$(ls -t "$REPO_ROOT"/target/vigil_*_all.deb 2>/dev/null | head -1)
  [[ -s $d ]] || die "no package: run 'make deb' first (or set VMLAB_DEB)"
  echo "$d"
}

share() { cp "$1" "$SHARE/${2:-$(basename "$1")}"; }   # share FILE [NAME]: offered to the guests over HTTP

fetch_in() {   # fetch_in NODE NAME DEST: a shared file into the guest
  gx "$1" "curl -fsS -o '$3' 'http://$ROUTER_IP:$SHARE_PORT/$2'" || die "$1 could not fetch $2 from the lab's file server"
}

# The .deb and the tutorial's files (the package's own copy of deploy/examples/tutorial, unchanged) on both
# nodes, through the same provisioning script as the Vagrantfile; Vigil is enabled but not started yet.
cmd_install() {
  local deb n; deb=$(deb_file)
  share "$deb" vigil.deb
  share "$VMLAB_HOME/guest/provision.sh"
  share "$VMLAB_HOME/guest/vmlab-qemu"
  local pids=()
  for n in "${NODES[@]}"; do
    (
      fetch_in "$n" provision.sh /root/provision.sh
      fetch_in "$n" vigil.deb /root/vigil.deb
      fetch_in "$n" vmlab-qemu /usr/lib/stonith/plugins/external/vmlab-qemu
      gx "$n" 'chmod 755 /usr/lib/stonith/plugins/external/vmlab-qemu && sh /root/provision.sh --no-start /root/vigil.deb' \
        | sed "s/^/    $n: /"
    ) &
    pids+=($!)
  done
  wait "${pids[@]}"   # only these: the lab's file server is a child of this shell too
  for n in "${NODES[@]}"; do
    gx "$n" 'dpkg-query -W -f="\${Status}" vigil' | grep -q 'install ok installed' || die "vigil is not installed on $n"
  done
  say "installed $(basename "$deb") on both nodes"
  [[ -n ${VMLAB_WATCHDOG_SEC:-} ]] && for n in "${NODES[@]}"; do watchdog_dropin "$n"; done
  return 0
}

# VMLAB_WATCHDOG_SEC=N: a drop-in giving the unit WatchdogSec=N instead of the package's 5 s. Under emulation a JVM
# warming up on one emulated CPU blocks its event loop for 5-10 s, and systemd kills a healthy daemon (seen on
# 2026-12-07, docs/lab.md); the package as shipped is what runs unless this is set.
watchdog_dropin() {
  gx "$1" "mkdir -p /etc/systemd/system/vigil.service.d && printf '[Service]\nWatchdogSec=%ss\n' '$VMLAB_WATCHDOG_SEC' \
           > /etc/systemd/system/vigil.service.d/vmlab-watchdog.conf && systemctl daemon-reload" &&
    say "$1: vigil.service WatchdogSec=${VMLAB_WATCHDOG_SEC}s (VMLAB_WATCHDOG_SEC drop-in)"
}

# ------------------------------------------------------------------------------------------------ client probe
# The client pings the VIP every PROBE_INTERVAL; tcpdump on its eth0 logs each echo reply and each ARP frame with
# the kernel's receive time and the sender's MAC, which says which VM answered or announced the address.
probe_start() {   # appends to $PROBE (offsets taken earlier stay valid); the demo and the test empty it first
  : > "$VMLAB_DIR/tcpdump.err"
  ip netns exec "$NS_CLIENT" tcpdump -i eth0 -n -e -tt -l -U "(icmp and host $VIP) or arp" >>"$PROBE" 2>"$VMLAB_DIR/tcpdump.err" &
  own $! tcpdump probe
  local i; for i in $(seq 100); do grep -q listening "$VMLAB_DIR/tcpdump.err" 2>/dev/null && break; sleep 0.05; done
  ip netns exec "$NS_CLIENT" ping -n -q -i "$PROBE_INTERVAL" "$VIP" >/dev/null 2>&1 &
  own $! ping probe
}
probe_stop() { end_owned probe; }
probe_mark() { stat -c %s "$PROBE" 2>/dev/null || echo 0; }   # byte offset: later queries look only after it

replies() {   # replies [OFFSET]: "epoch mac" of each echo reply from the VIP
  tail -c +$(( ${1:-0} + 1 )) "$PROBE" | awk -v v="$VIP > $CLIENT_IP: ICMP echo reply" 'index($0, v) { print $1, $2 }'
}
announces() {   # announces [OFFSET]: "epoch mac" of each gratuitous ARP for the VIP (request or reply)
  tail -c +$(( ${1:-0} + 1 )) "$PROBE" |
    awk -v t="tell $VIP," -v r="Reply $VIP is-at" 'index($0, "ethertype ARP") && (index($0, t) || index($0, r)) { print $1, $2 }'
}
first_after() { awk -v t0="$1" -v m="${2:-}" '$1 >= t0 && (m == "" || $2 == m) { print $1; exit }'; }
wait_reply() {   # wait_reply T0 MAC TIMEOUT [OFFSET]: epoch of the first reply from MAC after T0
  local end r; end=$(awk -v a="$(now)" -v b="$3" 'BEGIN { printf "%.3f", a + b }')
  while :; do
    r=$(replies "${4:-0}" | first_after "$1" "$2")
    [[ -n $r ]] && { echo "$r"; return 0; }
    awk -v a="$(now)" -v b="$end" 'BEGIN { exit !(a > b) }' && return 1
    sleep 0.2
  done
}
outage() {   # outage T0 T1 [OFFSET]: the longest silence between replies in [T0, T1], in seconds
  replies "${3:-0}" | awk -v a="$1" -v b="$2" 'BEGIN { last = a; gap = 0 }
    $1 > a && $1 <= b { if ($1 - last > gap) gap = $1 - last; last = $1 }
    END { if (b - last > gap) gap = b - last; printf "%.2f\n", gap }'
}
gap_before() {   # gap_before T [OFFSET]: seconds between T (a reply) and the reply before it
  replies "${2:-0}" | awk -v t="$1" '$1 < t { last = $1 } END { printf "%.2f\n", last ? t - last : 0 }'
}
lost_probes() {   # lost_probes T0 T1 [OFFSET]: echo requests sent in [T0, T1 - 1 s] that never got a reply
  # matched by ICMP id and sequence number: a late reply (jitter of a busy host) is not a loss
  tail -c +$(( ${3:-0} + 1 )) "$PROBE" | awk -v a="$1" -v b="$2" -v q="$CLIENT_IP > $VIP: ICMP echo request" -v r="$VIP > $CLIENT_IP: ICMP echo reply" '
    function key() { match($0, /id [0-9]+, seq [0-9]+/); return substr($0, RSTART, RLENGTH) }
    index($0, q) && $1 >= a && $1 <= b - 1 { sent[key()] = 1 }
    index($0, r) { got[key()] = 1 }
    END { n = 0; for (k in sent) if (!(k in got)) n++; print n }'
}
holders_seen() {   # holders_seen T0 T1 [OFFSET]: the nodes that answered for the VIP in [T0, T1]
  replies "${3:-0}" | awk -v a="$1" -v b="$2" '$1 >= a && $1 <= b { print $2 }' | sort -u |
    while read -r m; do node_of_mac "$m"; done | tr '\n' ' '
}

# ------------------------------------------------------------------------------------------------ timeline
ev() { echo "${2:-$(now)} $1" >> "$EVENTS"; }
tl() { awk -v s="$T0" -v n="$(now)" 'BEGIN { printf "[%7.1f s] ", n - s }'; echo "$*"; }
timeline() {
  local m t
  # what the network saw: each change of the node announcing the VIP (gratuitous ARP), first reply per new holder
  announces 0 | awk '$2 != last { print; last = $2 }' | while read -r t m; do ev "gratuitous ARP for $VIP from $(node_of_mac "$m")" "$t"; done
  replies 0 | awk '$2 != last { print; last = $2 }' | while read -r t m; do ev "client: replies now from $(node_of_mac "$m")" "$t"; done
  sort -n "$EVENTS" | awk -v s="$T0" '{ t = $1; $1 = ""; printf "  t=%7.2f s %s\n", t - s, $0 }'
}

vigil_start() {   # vigil_start NODE...: systemctl start, in parallel
  local n pids=()
  for n in "$@"; do gx "$n" 'systemctl start vigil' & pids+=($!); done
  wait "${pids[@]}"
}
# Both daemons up and each seeing the other as active (Heartbeat's cl_status, answered by Vigil's control socket).
peers_active() {
  [[ $(gx linux1 'cl_status nodestatus linux2' 2>/dev/null) == active && $(gx linux2 'cl_status nodestatus linux1' 2>/dev/null) == active ]]
}
wait_peers() {   # wait_peers TIMEOUT: until peers_active; 1 on timeout
  local end=$(( SECONDS + $1 ))
  until peers_active; do (( SECONDS > end )) && return 1; sleep 2; done
}
ha_log() { gx "$1" "grep -v -E '^[[:space:]]+at |VertxException' /var/log/ha-log | tail -n ${2:-8}" | sed "s/^/      $1 ha-log | /"; }
vip_here() { gx "$1" "ip -4 -o addr show dev eth0 | grep -q ' $VIP/'"; }
show_addr() { gx "$1" 'ip -4 addr show dev eth0' | sed "s/^/      $1 | /"; }
wait_booted() { gx "$1" 'systemctl is-system-running --wait >/dev/null; systemctl is-active vigil >/dev/null || true' >/dev/null; }

# ------------------------------------------------------------------------------------------------ demo
# The tutorial's story on two real machines. Timings under full emulation (TCG) are slow; they are printed,
# never asserted. Returns non-zero if a step of the story does not happen within VMLAB_WAIT seconds (a JVM
# starting in an emulated guest on a busy 2-core host has been seen to take 5 minutes).
demo_story() {
  local n
  tl "tutorial files on linux1 (installed from the package's examples, unchanged):"
  gx linux1 'cd /etc/ha.d && for f in ha.cf authkeys haresources; do grep -v -E "^[[:space:]]*(#|$)" $f | sed "s/^/      $f | /"; done; stat -c "      authkeys mode %a" authkeys'
  probe_start
  tl "client probe: ICMP echo to $VIP every $PROBE_INTERVAL s from $CLIENT_IP; replies logged with the sender's MAC"
  local t_start; t_start=$(now); ev "systemctl start vigil on linux1 and linux2" "$t_start"
  vigil_start linux1 linux2
  tl "vigil started by systemd on both: $(gx linux1 'systemctl is-active vigil') / $(gx linux2 'systemctl is-active vigil')"
  local r1; r1=$(wait_reply "$t_start" "$(mac_of linux1)" "$VMLAB_WAIT") || { fail_dump "the VIP never answered from linux1"; return 1; }
  tl "the VIP answers from linux1, $(secs "$t_start" "$r1") s after the start:"
  show_addr linux1
  gx linux1 "ip -4 -o addr show dev eth0 | grep -q ' $VIP/24 .* eth0:0'" && tl "  ... as eth0:0, like Heartbeat" ||
    { fail_dump "the VIP on linux1 is not labelled eth0:0"; return 1; }
  DEMO_START=$(secs "$t_start" "$r1")
  wait_peers "$VMLAB_WAIT" || { fail_dump "linux1 and linux2 do not see each other as active"; return 1; }
  ev "both daemons see each other as active (cl_status nodestatus)"
  tl "both daemons run and see each other: cl_status nodestatus on linux2 says linux1 is $(gx linux2 'cl_status nodestatus linux1')"
  sleep 5

  local off t_off r2; off=$(probe_mark); t_off=$(now); ev "POWER-OFF of linux1 (QEMU quits: the plug is pulled)" "$t_off"
  vm_poweroff linux1
  tl "linux1 powered off (its QEMU process is gone)"
  r2=$(wait_reply "$t_off" "$(mac_of linux2)" "$VMLAB_WAIT" "$off") || { fail_dump "no reply from linux2 within $VMLAB_WAIT s of the power-off"; return 1; }
  DEMO_FAILOVER=$(outage "$t_off" "$r2" "$off")
  tl "the VIP answers from linux2: client outage $DEMO_FAILOVER s"
  show_addr linux2
  echo "      client neighbour entry: $(ip -n "$NS_CLIENT" neigh show "$VIP")"
  ha_log linux2 8
  sleep 3

  local t_on r3; off=$(probe_mark); t_on=$(now); ev "POWER-ON of linux1 (boot on the same disk)" "$t_on"
  vm_start linux1
  local w; w=$(vm_wait linux1) || return 1
  tl "linux1 boots: its guest agent answers $w s after power-on; systemd starts vigil (enabled)"
  ev "linux1's guest agent answers" "$(now)"
  r3=$(wait_reply "$t_on" "$(mac_of linux1)" "$VMLAB_WAIT" "$off") || { fail_dump "no failback to linux1 within $VMLAB_WAIT s of the power-on"; return 1; }
  DEMO_FAILBACK=$(gap_before "$r3" "$off")
  tl "failback: the VIP answers from linux1 again, client outage $DEMO_FAILBACK s"
  show_addr linux1
  sleep 2
  vip_here linux2 && { fail_dump "the VIP is still on linux2 after the failback"; return 1; }
  return 0
}

fail_dump() {
  say "FAILED: $*"
  local n
  for n in "${NODES[@]}"; do
    qemu_pid "$n" >/dev/null || continue
    echo "--- $n: systemctl status vigil; last lines of /var/log/ha-log"
    gx "$n" 'systemctl status vigil --no-pager -n 0 | head -5; tail -n 25 /var/log/ha-log; ip -4 -o addr show dev eth0' 2>&1 | sed 's/^/   /'
  done
}

cmd_demo() {
  need_root
  mkdir -p "$VMLAB_DIR"; : > "$EVENTS"; : > "$PROBE"
  T0=$(now)
  # VMLAB_KEEP=1: the lab stays up afterwards (passed or not), for `scenario NAME`, `exec`, or a look at the logs
  trap 'rc=$?; trap - EXIT INT TERM; if [[ ${VMLAB_KEEP:-0} == 1 ]]; then probe_stop; say "VMLAB_KEEP=1: the lab stays up (vmlab.sh scenario|exec|status; vmlab.sh down when done)"; else cmd_down; fi; exit $rc' EXIT
  trap 'exit 130' INT TERM
  deb_file >/dev/null
  echo "Vigil VM lab: two Debian 12 VMs ($(accel)), Vigil from $(basename "$(deb_file)") under systemd, the tutorial's files"
  cmd_image
  ev "lab up: starting both VMs"
  cmd_up
  tl "both VMs run: linux1 $(ip_of linux1) ($(mac_of linux1)), linux2 $(ip_of linux2) ($(mac_of linux2)), router $ROUTER_IP, client $CLIENT_IP"
  cmd_install
  ev "package installed on both"
  tl "vigil package installed on both VMs with dpkg -i; /etc/ha.d written"
  demo_story || exit 1
  probe_stop
  echo
  echo "Timeline (t=0 at the start of 'make vm-lab'; $(accel) emulation; keepalive/deadtime from the tutorial's ha.cf):"
  timeline
  echo
  printf 'Measured from the client (probe every %s s): VIP up %s s after systemctl start; power-off of linux1 -> linux2: %s s; failback -> linux1: %s s\n' \
    "$PROBE_INTERVAL" "$DEMO_START" "$DEMO_FAILOVER" "$DEMO_FAILBACK"
  [[ $(accel) == tcg ]] && echo "(full emulation: the guests run several times slower than real machines; timings are reported, not asserted)"
}

# ------------------------------------------------------------------------------------------------ main
source "$VMLAB_HOME/scenarios.sh"

main() {
  local c=${1:-help}; shift || true
  mkdir -p "$VMLAB_DIR"
  case $c in
    image)    cmd_image "$@" ;;
    up)       cmd_up ;;
    down)     cmd_down ;;
    install)  need_root; cmd_install ;;
    demo)     cmd_demo ;;
    scenario) need_root; cmd_scenario "$@" ;;
    test)     cmd_test "$@" ;;
    exec)     need_root; node_ok "${1:-}"; local n=$1; shift; gx "$n" "$*" ;;
    copy)     need_root; node_ok "${1:-}"; [[ $# -eq 3 ]] || die "usage: copy NODE FILE DEST"; python3 "$QGA" put "$(ndir "$1")/agent.sock" "$2" "$3" ;;
    poweroff) need_root; node_ok "${1:-}"; vm_poweroff "$1" ;;
    poweron)  need_root; node_ok "${1:-}"; vm_start "$1"; local w; w=$(vm_wait "$1") || exit 1; say "$1 runs commands $w s after power-on" ;;
    story)    need_root; : > "$EVENTS"; T0=$(now); demo_story; local rc=$?; probe_stop; timeline; exit $rc ;;
    status)   need_root; cmd_status ;;
    help|-h|--help) sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | grep -v '^set -uo' | sed 's/^# \{0,1\}//' ;;
    *) die "unknown sub-command '$c' (vmlab.sh help)" ;;
  esac
}
main "$@"
