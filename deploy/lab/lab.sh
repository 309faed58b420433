#!/usr/bin/env bash
# lab.sh - the Vigil two-node lab: linux1 and linux2 in network namespaces, a router and a client.
#
#   vl-linux1  eth0 192.0.2.11  02:00:00:00:00:11 ─┐
#   vl-linux2  eth0 192.0.2.12  02:00:00:00:00:12 ─┼─ br0 192.0.2.1 in vl-switch (router, the ping node)
#   vl-client  eth0 192.0.2.100 02:00:00:00:00:64 ─┘
#   virtual IP 192.0.2.253/24 (haresources: linux1 192.0.2.253), shown as eth0:0 on its holder
#
# Each node also has its own hostname (UTS namespace) and its own /etc/ha.d, /var/lib/heartbeat, /run and
# /var/log (mount namespace, bind mounts of $LAB_DIR/<node>/...). The namespaces are held by an "anchor"
# process per node; every command for a node is run with nsenter into the anchor, without CAP_SYS_BOOT.
# The topology itself (namespaces, bridge, anchors) is built by deploy/lab/topology.sh, shared with the
# Pacemaker lab and the end-to-end tests.
#
# Usage: lab.sh SUBCOMMAND [ARGS]
#   up                      create namespaces, bridge, node anchors and configuration (no daemon started)
#   down                    stop everything the lab started and delete its namespaces (safe at any time)
#   start NODE|all          start the cluster daemon of NODE (implementation: LAB_IMPL / LAB_IMPL_<node>)
#   stop NODE|all           graceful stop (heartbeat -k, or SIGTERM for Vigil and keepalived)
#   crash NODE              host crash: eth0 down, every process of the node killed, addresses and /run lost
#   revive NODE             bring a crashed node's eth0 back (its daemon is not started)
#   kill9 NODE              kill -9 of the daemon only (addresses stay configured)
#   wait-vip NODE SECS      wait until the VIP is on NODE only; prints the seconds waited (exit 1 on timeout)
#   standby NODE [set]      operator switchover away from NODE (hb_standby / vigil standby)
#   takeover NODE [set]     operator switchover to NODE (hb_takeover / vigil takeover)
#   status                  VIP placement, links, daemon processes, the client's neighbour entry
#   exec NODE CMD...        run CMD inside NODE (its netns, hostname and mounts)
#   log NODE                the node's daemon log
#   demo                    what `make lab` runs: up, start both, crash linux1, failback, timeline, down
#
# Knobs (environment):
#   LAB_IMPL=vigil|heartbeat|keepalived   implementation on both nodes; LAB_IMPL_linux1 / LAB_IMPL_linux2 per node
#   LAB_PROFILE=tutorial|fast             tutorial: keepalive 1 s, deadtime 10 s (keepalived advert 1 s, VRRPv2)
#                                         fast: keepalive 100 ms, deadtime 300 ms (keepalived advert 0.1 s, VRRPv3)
#   LAB_KEEPALIVE, LAB_DEADTIME, LAB_KA_ADVERT   override one timer of the profile
#   LAB_INITDEAD            adds 'initdead VALUE' to ha.cf (e.g. 30: a slow-starting JVM peer is not declared dead)
#   LAB_AUTHKEYS=sha1|md5|crc   signature method of authkeys (default: the tutorial's sha1 file)
#   LAB_DIR (default: a fresh mktemp -d, found again through /run/vigil-lab-<prefix>dir)  LAB_NS_PREFIX=vl-  LAB_PROBE_INTERVAL=0.02 (client probe period, s)
#   VIGIL_CMD               how to run Vigil (default: <repo>/deploy/bin/vigil, the launcher the package ships)
#   LAB_NO_INSTALL=1        never apt-get install missing Debian packages
set -uo pipefail
export LC_ALL=C TZ=UTC

LAB_SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$LAB_SCRIPT_DIR/../.." && pwd)
TOPOLOGY=$LAB_SCRIPT_DIR/topology.sh
# shellcheck source=topology.sh
source "$TOPOLOGY"
LAB_NODES=(linux1 linux2)
ROUTER_IP=192.0.2.1
CLIENT_IP=192.0.2.100
CLIENT_MAC=02:00:00:00:00:64
VIP=192.0.2.253
VIP_PREFIX=24
HB_DAEMON=/usr/libexec/heartbeat/heartbeat
HB_SHARE=/usr/share/heartbeat

# Derived settings; called again by the bench after it changes LAB_* variables.
lab_init() {
  LAB_DIR=${LAB_DIR:-$(d=$(readlink -e "/run/vigil-lab-${LAB_NS_PREFIX:-vl-}dir" 2>/dev/null) || { d=$(mktemp -d /tmp/vigil-lab.XXXXXX) && ln -sfn "$d" "/run/vigil-lab-${LAB_NS_PREFIX:-vl-}dir"; }; echo "$d")}
  NSP=${LAB_NS_PREFIX:-vl-}
  NS_SW=${NSP}switch
  NS_CLIENT=${NSP}client
  LAB_IMPL=${LAB_IMPL:-vigil}
  LAB_PROFILE=${LAB_PROFILE:-tutorial}
  local ka dt adv
  case $LAB_PROFILE in
    tutorial) ka=1 dt=10 adv=1 ;;
    fast)     ka=100ms dt=300ms adv=0.1 ;;
    *) lab_die "LAB_PROFILE must be tutorial or fast (got '$LAB_PROFILE')" ;;
  esac
  KEEPALIVE=${LAB_KEEPALIVE:-$ka}
  DEADTIME=${LAB_DEADTIME:-$dt}
  KA_ADVERT=${LAB_KA_ADVERT:-$adv}
  PROBE_INTERVAL=${LAB_PROBE_INTERVAL:-0.02}
  VIGIL_JAR=$REPO_ROOT/target/quarkus-app/quarkus-run.jar
  # The shipped launcher: newest JDK >= 17, the small-footprint JVM flags the package uses.
  VIGIL_CMD_DEFAULT=$REPO_ROOT/deploy/bin/vigil
  VIGIL_CMD=${VIGIL_CMD:-$VIGIL_CMD_DEFAULT}
  OBSERVERS=$LAB_DIR/observers.pids
  EVENTS=$LAB_DIR/events.txt
}

lab_die()  { echo "lab: $*" >&2; exit 1; }
lab_say()  { echo "lab: $*" >&2; }
now()      { echo "$EPOCHREALTIME"; }
ns_of()    { echo "${NSP}$1"; }
ndir()     { echo "$LAB_DIR/$1"; }
ip_of()    { case $1 in linux1) echo 192.0.2.11 ;; linux2) echo 192.0.2.12 ;; esac; }
mac_of()   { case $1 in linux1) echo 02:00:00:00:00:11 ;; linux2) echo 02:00:00:00:00:12 ;; esac; }
node_of_mac() { case $1 in 02:00:00:00:00:11) echo linux1 ;; 02:00:00:00:00:12) echo linux2 ;; *) echo "$1" ;; esac; }
ns_exists() { [[ -e /run/netns/$1 ]]; }
check_node() { case ${1:-} in linux1|linux2) ;; *) lab_die "NODE must be linux1 or linux2 (got '${1:-}')" ;; esac; }
impl_of()  { local v="LAB_IMPL_$1"; echo "${!v:-$LAB_IMPL}"; }
# seconds (decimal) of a Heartbeat time value: "10", "1.5", "300ms", "300 ms", "500000us"
secs_of()  { awk -v v="$1" 'BEGIN { s = tolower(v); gsub(/ /, "", s); f = 1;
                if (s ~ /(ms|msec)$/) { f = 0.001; sub(/(ms|msec)$/, "", s) }
                else if (s ~ /(us|usec)$/) { f = 0.000001; sub(/(us|usec)$/, "", s) }
                printf "%.3f\n", s * f }'; }
# b - a in seconds with 2 decimals ("-" when one of them is empty)
elapsed()  { [[ -n ${1:-} && -n ${2:-} ]] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", b - a }' || echo -; }
# ms between a and b, rounded
ms_between() { [[ -n ${1:-} && -n ${2:-} ]] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%d\n", (b - a) * 1000 + 0.5 }' || echo null; }
fadd()     { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f\n", a + b }'; }

need_root() {
  if [[ $EUID -ne 0 ]]; then
    echo "lab: this must run as root: it creates network namespaces, a bridge, veth links and bind mounts." >&2
    echo "lab: run it again as root (for example: sudo make lab)." >&2
    exit 1
  fi
}

# Install missing Debian packages (root + apt only; LAB_NO_INSTALL=1 turns it off).
ensure_pkgs() {   # ensure_pkgs CMD:PACKAGE ...
  local spec cmd pkg missing=()
  for spec in "$@"; do
    cmd=${spec%%:*}; pkg=${spec#*:}
    if [[ $cmd == /* ]]; then [[ -e $cmd ]] && continue; else command -v "$cmd" >/dev/null 2>&1 && continue; fi
    missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ ${LAB_NO_INSTALL:-0} == 1 ]] || ! command -v apt-get >/dev/null 2>&1; then
    lab_die "missing Debian packages: ${missing[*]} (apt-get install -y ${missing[*]})"
  fi
  lab_say "installing from Debian: ${missing[*]}"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >"${LAB_DIR:-/tmp}/apt.log" 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >"${LAB_DIR:-/tmp}/apt.log" 2>&1 \
      || lab_die "apt-get install ${missing[*]} failed (see ${LAB_DIR:-/tmp}/apt.log)"
  fi
}

ensure_impl_pkgs() {   # packages each implementation in use needs
  local node specs=(ip:iproute2 nsenter:util-linux unshare:util-linux tcpdump:tcpdump ping:iputils-ping arping:iputils-arping)
  for node in "${LAB_NODES[@]}"; do
    case $(impl_of "$node") in
      heartbeat)  specs+=("$HB_DAEMON:heartbeat" ifconfig:net-tools) ;;
      keepalived) specs+=(keepalived:keepalived) ;;
      vigil)      specs+=(java:openjdk-17-jre-headless) ;;
      *) lab_die "LAB_IMPL for $node must be vigil, heartbeat or keepalived (got '$(impl_of "$node")')" ;;
    esac
  done
  ensure_pkgs "${specs[@]}"
}

anchor_pid() {
  local f; f="$(ndir "$1")/anchor.pid"
  [[ -s $f && -d /proc/$(<"$f") ]] || lab_die "node $1 is not up (run 'lab.sh up')"
  cat "$f"
}

# Run a command on a node: its netns, its hostname, its private /etc/ha.d, /run, /var/log; no CAP_SYS_BOOT.
node_exec() {
  local node=$1; shift
  anchor_pid "$node" >/dev/null || exit 1
  topo_run "$LAB_DIR" "$node" "$@"
}

# ------------------------------------------------------------------------------------------------ configuration
# The tutorial's three files. When deploy/examples/tutorial/ has them, they are used verbatim except for the
# addresses and interface names (bcast/ping lines, the haresources IP); otherwise the same text is written here.
# Only the timer lines change with LAB_PROFILE / LAB_KEEPALIVE / LAB_DEADTIME.
write_hacf() {
  local src=$REPO_ROOT/deploy/examples/tutorial/ha.cf
  {
    if [[ -s $src ]]; then
      sed -E -e "s/^([[:space:]]*bcast[[:space:]]+)[^[:space:]#]+/\1eth0/" \
             -e "s/^([[:space:]]*ping[[:space:]]+)[^[:space:]#]+/\1$ROUTER_IP/" "$src"
    else
      printf '%s\n' "logfile /var/log/ha-log" "logfacility local0" "keepalive 1" "deadtime 10" \
        "bcast eth0" "ping $ROUTER_IP" "auto_failback yes" "node linux1" "node linux2"
    fi
    [[ -n ${LAB_INITDEAD:-} ]] && echo "initdead $LAB_INITDEAD"
  } | sed -E -e "s/^([[:space:]]*keepalive[[:space:]]+).*/\1$KEEPALIVE/" \
             -e "s/^([[:space:]]*deadtime[[:space:]]+).*/\1$DEADTIME/"
}

write_authkeys() {
  local src=$REPO_ROOT/deploy/examples/tutorial/authkeys
  case ${LAB_AUTHKEYS:-} in
    '') ;;
    sha1|md5) printf 'auth 1\n1 %s MaClefSecrete\n' "$LAB_AUTHKEYS"; return ;;
    crc) printf 'auth 1\n1 crc\n'; return ;;
    *) lab_die "LAB_AUTHKEYS must be sha1, md5 or crc (got '$LAB_AUTHKEYS')" ;;
  esac
  if [[ -s $src ]]; then cat "$src"; else printf 'auth 1\n1 sha1 MaClefSecrete\n'; fi
}

# Heartbeat's bare-IP haresources entry runs IPaddr, which needs ifconfig (net-tools). Without ifconfig, a
# heartbeat node gets the IPaddr2 form instead (said on the console); Vigil always reads the tutorial's form.
write_haresources() {
  local node=$1 src=$REPO_ROOT/deploy/examples/tutorial/haresources
  if [[ $(impl_of "$node") == heartbeat ]] && ! command -v ifconfig >/dev/null 2>&1; then
    echo "linux1 IPaddr2::$VIP/$VIP_PREFIX/eth0"
    return
  fi
  if [[ -s $src ]]; then
    sed -E "s/([^0-9.]|^)([0-9]{1,3}\.){3}[0-9]{1,3}/\1$VIP/" "$src"
  else
    echo "linux1 $VIP"
  fi
}

write_keepalived_conf() {
  local node=$1 state=BACKUP prio=100 version=2
  [[ $node == linux1 ]] && state=MASTER prio=150
  # VRRPv2 only takes whole seconds; sub-second adverts need VRRPv3.
  [[ $KA_ADVERT == *.* && ${KA_ADVERT#*.} != 0 ]] && version=3
  cat <<EOF
# keepalived counterpart of the tutorial: linux1 preferred, preempt (= auto_failback yes)
global_defs {
    router_id $node
    vrrp_version $version
}
vrrp_instance VI_1 {
    state $state
    interface eth0
    virtual_router_id 53
    priority $prio
    advert_int $KA_ADVERT
    virtual_ipaddress {
        $VIP/$VIP_PREFIX dev eth0 label eth0:0
    }
}
EOF
}

node_config() {
  local node=$1 d; d=$(ndir "$node")
  write_hacf > "$d/ha.d/ha.cf"
  write_authkeys > "$d/ha.d/authkeys"
  chmod 600 "$d/ha.d/authkeys"
  write_haresources "$node" > "$d/ha.d/haresources"
  write_keepalived_conf "$node" > "$d/keepalived.conf"
  # Vigil refuses its default (real) reboot command on a node holding this marker; reboot a node with crash/revive
  echo "lab node: never reboot the host from here" > "$d/ha.d/lab-node"
  echo "vigil.reboot-command=kill -9 \$PPID" > "$d/ha.d/vigil.properties"
  if [[ $(impl_of "$node") == heartbeat ]] && ! command -v ifconfig >/dev/null 2>&1; then
    lab_say "$node: no ifconfig (net-tools), so heartbeat gets 'IPaddr2::$VIP/$VIP_PREFIX/eth0' in haresources"
  fi
}

# A fresh /run as after a reboot, with what heartbeat's init script and tmpfiles would create.
reset_run() {
  local r; r="$(ndir "$1")/run"
  mkdir -p "$r"
  find "$r" -mindepth 1 -delete 2>/dev/null
  mkdir -p "$r/lock" "$r/resource-agents" "$r/vigil" "$r/heartbeat/ccm" "$r/heartbeat/crm" "$r/heartbeat/dopd" "$r/crm"
  chmod 1777 "$r/lock"
  if getent passwd hacluster >/dev/null 2>&1; then
    chown hacluster:haclient "$r/crm" "$r/heartbeat" "$r/heartbeat/ccm" "$r/heartbeat/crm" "$r/heartbeat/dopd"
  fi
  chmod 750 "$r/heartbeat" "$r/heartbeat/ccm" "$r/heartbeat/crm" "$r/heartbeat/dopd" "$r/crm"
  chmod 700 "$r/vigil"
}

node_dirs() {
  local node=$1 d; d=$(ndir "$node")
  mkdir -p "$d/ha.d" "$d/varlib" "$d/log" "$d/state"
  # heartbeat needs its packaged helpers (resource.d, harc, shellfuncs) next to the three files
  [[ -d /etc/ha.d ]] && cp -a /etc/ha.d/. "$d/ha.d/"
  if [[ -d /var/lib/heartbeat ]]; then
    cp -a /var/lib/heartbeat/. "$d/varlib/"
    rm -f "$d/varlib/hb_uuid" "$d/varlib/hostcache" "$d/varlib/delhostcache"   # each node its own identity
  fi
  reset_run "$node"
  node_config "$node"
}

# The node's namespaces (topology.sh): its hostname, and its own /etc/ha.d, /var/lib/heartbeat (both only where this
# machine has them: Vigil gets explicit paths), /run and /var/log.
start_anchor() {
  local node=$1 d; d=$(ndir "$node")
  ( topo_node "$LAB_DIR" "$node" "$(ip_of "$node")/$VIP_PREFIX" "$(mac_of "$node")" \
      "bind:$d/ha.d:/etc/ha.d" "bind:$d/varlib:/var/lib/heartbeat" "bind:$d/run:/run" "bind:$d/log:/var/log" ) \
    || lab_die "the namespaces of $node could not be set up"
}

# ------------------------------------------------------------------------------------------------ up / down
lab_up() {
  need_root
  mkdir -p "$LAB_DIR"
  ensure_impl_pkgs
  local ns
  for ns in "$NS_SW" "$NS_CLIENT" "$(ns_of linux1)" "$(ns_of linux2)"; do
    ns_exists "$ns" && lab_die "namespace $ns already exists: run 'lab.sh down' (make lab-down) first"
  done
  : > "$OBSERVERS"
  [[ $NSP == "$(topo_get "$LAB_DIR" prefix 2>/dev/null)" ]] && topo_down "$LAB_DIR"   # a stale record of ours
  ( topo_up "$LAB_DIR" "$NSP" "$ROUTER_IP/$VIP_PREFIX" "$CLIENT_IP/$VIP_PREFIX" "$CLIENT_MAC" --no-ipv6 ) \
    || lab_die "the switch and client namespaces could not be set up"
  local node
  for node in "${LAB_NODES[@]}"; do node_dirs "$node"; start_anchor "$node"; done
  for node in "${LAB_NODES[@]}"; do
    [[ $(node_exec "$node" uname -n) == "$node" ]] || lab_die "$node does not have its own hostname"
  done
  lab_say "up: $NS_SW (br0 $ROUTER_IP), $(ns_of linux1) $(ip_of linux1), $(ns_of linux2) $(ip_of linux2), $NS_CLIENT $CLIENT_IP; files in $LAB_DIR"
}

# Processes started from the root namespace that live in lab namespaces (probe, address monitors).
observer_pids() { [[ -s $OBSERVERS ]] && awk '{ print $1 }' "$OBSERVERS"; }

# A process's start time (field 22 of /proc/PID/stat, clock ticks since boot): set at fork, kept across exec, so it
# tells the process we started from a later one that reuses its PID. (Its name would not: recorded right after the
# fork it can still be the shell's, before the exec.)
proc_start() { local s; s=$(<"/proc/$1/stat") 2>/dev/null || return 0; s=${s##*) }; read -ra f <<<"$s"; echo "${f[19]}"; }

kill_observer() {   # kill_observer PID: only if it is still the process we recorded
  local p=$1 want
  want=$(awk -v p="$p" '$1 == p { print $2 }' "$OBSERVERS" 2>/dev/null)
  [[ -n $want && $(proc_start "$p") == "$want" ]] && kill "$p" 2>/dev/null
  awk -v p="$p" '$1 != p' "$OBSERVERS" > "$OBSERVERS.tmp" 2>/dev/null && mv "$OBSERVERS.tmp" "$OBSERVERS"
}

lab_down() {
  need_root
  local p node
  for p in $(observer_pids); do kill_observer "$p"; done
  # every process in the lab's namespaces, anchors included, by PID; the names also when the record is lost
  topo_down "$LAB_DIR" "$(ns_of linux1)" "$(ns_of linux2)" "$NS_CLIENT" "$NS_SW"
  # keep the daemon logs of the last run for a post-mortem, drop the rest
  if [[ -d $LAB_DIR ]]; then
    mkdir -p "$LAB_DIR/last-logs"
    for node in "${LAB_NODES[@]}"; do
      [[ -d $LAB_DIR/$node/log ]] && { rm -rf "$LAB_DIR/last-logs/$node"; mkdir -p "$LAB_DIR/last-logs/$node"; cp -a "$LAB_DIR/$node/log/." "$LAB_DIR/last-logs/$node/" 2>/dev/null; }
      rm -rf "${LAB_DIR:?}/$node"
    done
  fi
  lab_say "down: namespaces and processes removed (logs of the last run: $LAB_DIR/last-logs)"
}

# ------------------------------------------------------------------------------------------------ processes
# Every process in a node's netns except its anchor and the lab's observers belongs to the node.
node_pids() {
  local node=$1 ns a="" p; ns=$(ns_of "$node")
  ns_exists "$ns" || return 0
  [[ -s $(ndir "$node")/anchor.pid ]] && a=$(<"$(ndir "$node")/anchor.pid")
  local skip=" $a $(observer_pids | tr '\n' ' ') "
  for p in $(ip netns pids "$ns" 2>/dev/null); do [[ $skip == *" $p "* ]] || echo "$p"; done
}

daemon_comm() {
  case $(impl_of "$1") in heartbeat) echo heartbeat ;; keepalived) echo keepalived ;; vigil) echo java ;; esac
}

# The node runs something besides its daemon's long-lived processes: a transition is under way (resource
# scripts, send_arp, ip, arping…). Long-lived: the daemon's main process, processes named like the daemon
# (heartbeat's children, keepalived's VRRP child), and Vigil's guardian (a shell that watches the JVM) with
# its polling children.
proc_ppid() { local st; st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; st=${st##*) }; set -- $st; echo "$2"; }

node_busy() {
  local node=$1 want main="" p keep=" " pids
  want=$(daemon_comm "$node")
  [[ -s $(ndir "$node")/daemon.pid ]] && main=$(<"$(ndir "$node")/daemon.pid")
  pids=$(node_pids "$node")
  for p in $pids; do
    if [[ $p == "$main" ]] || [[ $(cat "/proc/$p/comm" 2>/dev/null) == "$want" ]] \
       || tr '\0' ' ' 2>/dev/null < "/proc/$p/cmdline" | grep -q 'vigil-guardian'; then
      keep+="$p "
    fi
  done
  for p in $pids; do
    [[ $keep == *" $p "* || ! -d /proc/$p ]] && continue
    local up=$p level guardian_child=0
    for level in 1 2 3; do   # a child or grandchild of the guardian is its polling, not a transition
      up=$(proc_ppid "$up") || break
      if [[ $keep == *" $up "* ]] && tr '\0' ' ' 2>/dev/null < "/proc/$up/cmdline" | grep -q 'vigil-guardian'; then
        guardian_child=1; break
      fi
    done
    [[ $guardian_child == 1 ]] || return 0
  done
  return 1
}

node_addrs() {   # "address label" of each IPv4 address on the node's eth0
  ip -n "$(ns_of "$1")" -4 -o addr show dev eth0 2>/dev/null \
    | awk '{ l = "eth0"; for (i = 5; i <= NF; i++) if ($i ~ /^eth0/) { l = $i; sub(/\\$/, "", l) }; print $4, l }'
}
vip_on() { ip -n "$(ns_of "$1")" -4 -o addr show dev eth0 2>/dev/null | grep -q " $VIP/"; }
link_up() { ip -n "$(ns_of "$1")" link show dev eth0 2>/dev/null | grep -q 'state UP'; }

# ------------------------------------------------------------------------------------------------ node life cycle
node_start() {
  local node=$1 d impl; d=$(ndir "$node"); impl=$(impl_of "$node"); anchor_pid "$node" >/dev/null || exit 1
  case $impl in
    heartbeat)
      # as /etc/init.d/heartbeat start: make sure no resource is held, then the daemon (it daemonizes itself)
      node_exec "$node" "$HB_SHARE/ResourceManager" verifyallidle </dev/null >>"$d/log/daemon.out" 2>&1
      node_exec "$node" "$HB_DAEMON" </dev/null >>"$d/log/daemon.out" 2>&1 || { lab_say "heartbeat on $node failed to start: $(tail -3 "$d/log/daemon.out")"; return 1; } ;;
    keepalived)
      rm -f "$d/daemon.pid"
      setsid "$TOPOLOGY" exec "$LAB_DIR" "$node" /bin/sh -c "echo \$\$ > '$d/daemon.pid'; exec keepalived -n -l -D -P \
          -f '$d/keepalived.conf' -p '$d/run/keepalived.pid' -r '$d/run/keepalived-vrrp.pid'" \
          </dev/null >>"$d/log/daemon.out" 2>&1 &
      disown $!
      wait_pidfile "$d/daemon.pid" ;;
    vigil)
      [[ -n ${VIGIL_CMD_CHECKED:-} || -s $VIGIL_JAR || $VIGIL_CMD != "$VIGIL_CMD_DEFAULT" ]] \
        || lab_die "Vigil is not built ($VIGIL_JAR missing): run 'make build'"
      rm -f "$d/daemon.pid"
      setsid "$TOPOLOGY" exec "$LAB_DIR" "$node" /bin/sh -c "echo \$\$ > '$d/daemon.pid'; exec $VIGIL_CMD run \
          --config-dir '$d/ha.d' --node-name $node --run-dir '$d/run/vigil' --state-dir '$d/state'" \
          </dev/null >>"$d/log/daemon.out" 2>&1 &
      disown $!
      wait_pidfile "$d/daemon.pid" ;;
  esac
}

wait_pidfile() { local i; for i in $(seq 200); do [[ -s $1 ]] && return 0; sleep 0.01; done; return 1; }

node_stop() {
  local node=$1 d; d=$(ndir "$node")
  case $(impl_of "$node") in
    heartbeat) node_exec "$node" "$HB_DAEMON" -k </dev/null >>"$d/log/daemon.out" 2>&1 ;;
    *)
      local p=""; [[ -s $d/daemon.pid ]] && p=$(<"$d/daemon.pid")
      [[ -n $p && -d /proc/$p ]] || return 0
      kill -TERM "$p" 2>/dev/null
      local i; for i in $(seq 300); do [[ -d /proc/$p ]] || break; sleep 0.1; done
      [[ -d /proc/$p ]] && { lab_say "$node: daemon $p still running 30 s after SIGTERM"; return 1; }
      rm -f "$d/daemon.pid" ;;
  esac
}

node_kill9() {
  local node=$1 p; for p in $(node_pids "$node"); do kill -9 "$p" 2>/dev/null; done
  rm -f "$(ndir "$node")/daemon.pid"
}

# A host crash: the link dies first, then everything in RAM: processes, addresses, /run.
node_crash() {
  local node=$1 ns p; ns=$(ns_of "$node")
  ip -n "$ns" link set eth0 down
  for p in $(node_pids "$node"); do kill -9 "$p" 2>/dev/null; done
  ip -n "$ns" addr del "$VIP/$VIP_PREFIX" dev eth0 2>/dev/null
  rm -f "$(ndir "$node")/daemon.pid"
  reset_run "$node"
}

node_revive() {
  local ns; ns=$(ns_of "$1")
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route replace default via "$ROUTER_IP" 2>/dev/null
}

node_switch() {   # node_switch NODE standby|takeover [set]
  local node=$1 what=$2 set=${3:-}
  case $(impl_of "$node") in
    heartbeat)  node_exec "$node" "$HB_SHARE/hb_$what" $set ;;
    vigil)      node_exec "$node" /bin/sh -c "exec $VIGIL_CMD $what $set --run-dir '$(ndir "$node")/run/vigil'" ;;
    keepalived) lab_say "keepalived has no operator $what command"; return 2 ;;
  esac
}

each_node() {   # each_node FUNCTION NODE|all (all: both nodes in parallel)
  local f=$1 n=${2:-}
  if [[ $n == all ]]; then
    local pids=() x rc=0
    for x in "${LAB_NODES[@]}"; do "$f" "$x" & pids+=($!); done
    for x in "${pids[@]}"; do wait "$x" || rc=1; done
    return $rc
  fi
  check_node "$n"; "$f" "$n"
}

lab_status() {
  local node p
  for node in "${LAB_NODES[@]}"; do
    ns_exists "$(ns_of "$node")" || { echo "$node: not up"; continue; }
    echo "== $node ($(ns_of "$node"), $(impl_of "$node")): eth0 $(link_up "$node" && echo up || echo DOWN)," \
         "VIP $(vip_on "$node" && echo HERE || echo absent)"
    node_addrs "$node" | sed 's/^/   /'
    for p in $(node_pids "$node"); do ps -o pid=,rss=,time=,args= -p "$p" | cut -c1-150 | sed 's/^/   /'; done
    case $(impl_of "$node") in
      heartbeat) [[ -n $(node_pids "$node") ]] && echo "   cl_status: $(node_exec "$node" cl_status rscstatus 2>&1)," \
                   "linux1 $(node_exec "$node" cl_status nodestatus linux1 2>&1), linux2 $(node_exec "$node" cl_status nodestatus linux2 2>&1)" ;;
      vigil) [[ -S $(ndir "$node")/run/vigil/vigil.sock ]] && node_exec "$node" /bin/sh -c \
                   "$VIGIL_CMD status --run-dir '$(ndir "$node")/run/vigil'" 2>&1 | sed 's/^/   /' ;;
    esac
  done
  ns_exists "$NS_CLIENT" && echo "== client: neighbour entry $(ip -n "$NS_CLIENT" neigh show "$VIP" | head -1)"
}

# ------------------------------------------------------------------------------------------------ observation
# Client probe: ping sends an ICMP echo to the VIP every PROBE_INTERVAL; tcpdump on the client's eth0 records
# every echo reply and every ARP frame with the kernel's receive time and the sender's MAC (= which node).
# Address monitors (ip monitor, one per node) log each add/delete of the VIP. Files go to $LAB_DIR/probe/.
add_observer() { disown "$1" 2>/dev/null; echo "$1 $(proc_start "$1")" >> "$OBSERVERS"; }

probe_start() {
  local dir=$LAB_DIR/probe node p
  mkdir -p "$dir"
  : > "$dir/client.txt"
  ip netns exec "$NS_CLIENT" tcpdump -i eth0 -n -e -tt -l -U "(icmp and host $VIP) or arp" \
    >"$dir/client.txt" 2>"$dir/tcpdump.err" &
  p=$!; disown "$p"
  local i; for i in $(seq 100); do grep -q 'listening on' "$dir/tcpdump.err" 2>/dev/null && break; sleep 0.05; done
  add_observer "$p"
  for node in "${LAB_NODES[@]}"; do
    ip -n "$(ns_of "$node")" -ts -o monitor address dev eth0 >"$dir/addr-$node.txt" 2>/dev/null &
    add_observer $!
  done
  ip netns exec "$NS_CLIENT" ping -n -q -i "$PROBE_INTERVAL" "$VIP" >/dev/null 2>&1 &
  add_observer $!
}

probe_stop() { local p; for p in $(observer_pids); do kill_observer "$p"; done; }

# Reply lines of the probe after byte offset OFF: "epoch mac"
probe_replies() {
  tail -c +$(( ${1:-0} + 1 )) "$LAB_DIR/probe/client.txt" 2>/dev/null \
    | awk -v vip="$VIP" -v cl="$CLIENT_IP" 'index($0, vip " > " cl ": ICMP echo reply") { print $1, $2 }'
}
probe_offset() { stat -c %s "$LAB_DIR/probe/client.txt" 2>/dev/null || echo 0; }

# First reply at or after T0 from MAC (any MAC when empty); prints its epoch, or nothing.
first_reply() {
  probe_replies "${3:-0}" | awk -v t0="$1" -v mac="${2:-}" '$1 >= t0 && (mac == "" || $2 == mac) { print $1; exit }'
}

wait_reply() {   # wait_reply T0 MAC TIMEOUT_S [OFFSET] -> epoch of the first reply, exit 1 on timeout
  local t0=$1 mac=$2 deadline r; deadline=$(fadd "$(now)" "$3")
  while :; do
    r=$(first_reply "$t0" "$mac" "${4:-0}")
    [[ -n $r ]] && { echo "$r"; return 0; }
    awk -v a="$(now)" -v b="$deadline" 'BEGIN { exit !(a > b) }' && return 1
    sleep 0.1
  done
}

# Longest silence between replies in [T0, T1] (T0 and T1 count as points): the client-visible outage, in ms.
outage_ms() {
  probe_replies "${3:-0}" | awk -v a="$1" -v b="$2" '
    BEGIN { last = a; gap = 0 }
    $1 > a && $1 <= b { if ($1 - last > gap) gap = $1 - last; last = $1 }
    END { if (b - last > gap) gap = b - last; printf "%d\n", gap * 1000 + 0.5 }'
}

replies_between() {   # count of replies per node in [T0, T1]: "linux1=N linux2=M"
  probe_replies "${3:-0}" | awk -v a="$1" -v b="$2" '$1 >= a && $1 <= b { n[$2]++ }
    END { printf "linux1=%d linux2=%d\n", n["02:00:00:00:00:11"], n["02:00:00:00:00:12"] }'
}

# VIP add/del events of NODE at or after T0: "epoch add|del", from the ip monitor log.
vip_events() {
  awk -v vip=" $VIP/" -v t0="${2:-0}" 'index($0, vip) {
      ts = substr($1, 2, 26); gsub(/[-T:]/, " ", ts); split(ts, f, " ")
      e = mktime(f[1] " " f[2] " " f[3] " " f[4] " " f[5] " " int(f[6])) + (f[6] - int(f[6]))
      w = ($2 == "Deleted" ? "del" : "add")
      if (w != state && e >= t0) printf "%.6f %s\n", e, w   # transitions only: a re-announced address is no event
      state = w }' "$LAB_DIR/probe/addr-$1.txt" 2>/dev/null
}
first_vip_event() { vip_events "$1" "$2" | awk -v w="$3" '$2 == w { print $1; exit }'; }

wait_until() {   # wait_until TIMEOUT_S CMD... : poll CMD every 0.1 s
  local deadline; deadline=$(fadd "$(now)" "$1"); shift
  while :; do
    "$@" && return 0
    awk -v a="$(now)" -v b="$deadline" 'BEGIN { exit !(a > b) }' && return 1
    sleep 0.1
  done
}
# the cold start is over: the VIP is on linux1 only, or a daemon has exited (no point waiting)
settled_or_dead() { vip_only_on linux1 || [[ -z $(node_pids linux1) || -z $(node_pids linux2) ]]; }
both_idle() { ! node_busy linux1 && ! node_busy linux2; }
vip_only_on() { local o=linux2; [[ $1 == linux2 ]] && o=linux1; vip_on "$1" && ! vip_on "$o"; }

# ------------------------------------------------------------------------------------------------ demo (make lab)
ev() { echo "$(now) $*" >> "$EVENTS"; }
ev_at() { local t=$1; shift; echo "$t $*" >> "$EVENTS"; }
tl() { awk -v s="$DEMO_T0" -v n="$(now)" 'BEGIN { printf "[%7.2f s] ", n - s }'; echo "$*"; }

demo_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  echo
  [[ $rc -ne 0 ]] && echo "lab: the demo failed (exit $rc); daemon logs are kept in $LAB_DIR/last-logs" >&2
  lab_down
  exit $rc
}

# With Java >= 25 the launcher starts ~0.3 s faster from an ahead-of-time class cache; build it if it is missing.
lab_aot() {
  [[ $(impl_of linux1) == vigil || $(impl_of linux2) == vigil ]] && [[ $VIGIL_CMD == "$VIGIL_CMD_DEFAULT" ]] || return 0
  VIGIL_AOT_TRAIN=1 "$REPO_ROOT/deploy/bin/vigil" >/dev/null || lab_say "no ahead-of-time class cache: start-up is only slower"
}

lab_demo() {
  need_root
  local n1 n2; n1=$(impl_of linux1); n2=$(impl_of linux2)
  if [[ $n1 == vigil || $n2 == vigil ]] && [[ ! -s $VIGIL_JAR && $VIGIL_CMD == "$VIGIL_CMD_DEFAULT" ]]; then
    lab_say "building Vigil (./mvnw -B -q package -DskipTests)"
    (cd "$REPO_ROOT" && ./mvnw -B -q package -DskipTests) || lab_die "the build failed"
  fi
  lab_aot
  if ns_exists "$NS_SW" || ns_exists "$(ns_of linux1)"; then
    lab_say "a previous lab is still up: removing it first"
    lab_down
  fi
  mkdir -p "$LAB_DIR"; : > "$EVENTS"
  DEMO_T0=$(now)
  trap demo_cleanup EXIT
  trap 'exit 130' INT TERM
  echo "Vigil lab: linux1 runs $n1, linux2 runs $n2; keepalive $KEEPALIVE, deadtime $DEADTIME (profile $LAB_PROFILE)"
  ev "start"
  lab_up
  tl "lab up: switch+router $ROUTER_IP, linux1 $(ip_of linux1) ($(mac_of linux1)), linux2 $(ip_of linux2) ($(mac_of linux2)), client $CLIENT_IP, VIP $VIP"
  echo "    /etc/ha.d of linux1 (from $LAB_DIR/linux1/ha.d):"
  local shown=" (comments not shown)"
  grep -v -E '^[[:space:]]*(#|$)' "$(ndir linux1)/ha.d/ha.cf" | sed 's/^/      ha.cf       | /'
  grep -v -E '^[[:space:]]*(#|$)' "$(ndir linux1)/ha.d/authkeys" | sed 's/^/      authkeys    | /'
  grep -v -E '^[[:space:]]*(#|$)' "$(ndir linux1)/ha.d/haresources" | sed 's/^/      haresources | /'
  echo "     $shown"
  local node
  for node in "${LAB_NODES[@]}"; do
    [[ $(impl_of "$node") == keepalived ]] && grep -v '^#' "$(ndir "$node")/keepalived.conf" | sed "s/^/      keepalived.conf of $node | /"
  done
  probe_start
  tl "client probe running: ICMP echo to $VIP every ${PROBE_INTERVAL} s, replies logged with the sender's MAC"

  local dt cold_to fail_to; dt=$(secs_of "$DEADTIME")
  cold_to=$(awk -v d="$dt" 'BEGIN { print 4 * d + 40 }'); fail_to=$(awk -v d="$dt" 'BEGIN { print 3 * d + 30 }')
  local t_start; t_start=$(now); ev_at "$t_start" "both daemons started"
  each_node node_start all || exit 1
  tl "started $n1 on linux1 and $n2 on linux2"
  wait_until "$cold_to" settled_or_dead
  if ! vip_only_on linux1; then
    lab_status
    local node; for node in "${LAB_NODES[@]}"; do echo "--- last lines of $node's log:"; lab_log "$node" | tail -n 15; done
    if [[ -z $(node_pids linux1) || -z $(node_pids linux2) ]]; then lab_die "a daemon exited before the VIP came up (logs above)"; fi
    lab_die "the VIP did not come up on linux1 alone within ${cold_to} s"
  fi
  local t_vip1; t_vip1=$(first_vip_event linux1 "$t_start" add)
  local t_r1; t_r1=$(wait_reply "$t_start" "$(mac_of linux1)" 15) || lab_die "the client gets no reply from linux1"
  ev_at "$t_r1" "client: first reply from linux1 ($(elapsed "$t_start" "$t_r1") s after the start of the daemons)"
  tl "the VIP is on linux1 ($(elapsed "$t_start" "${t_vip1:-$t_r1}") s after the start); the client gets replies from $(mac_of linux1):"
  ip -n "$(ns_of linux1)" addr show dev eth0 | sed 's/^/      /'
  wait_until 30 both_idle
  sleep 3

  # --- host crash of linux1
  local off; off=$(probe_offset)
  local t_crash; t_crash=$(now); ev_at "$t_crash" "CRASH of linux1 (eth0 down, processes killed)"
  node_crash linux1
  tl "CRASH of linux1: eth0 down, every process of linux1 killed, its VIP gone with it"
  local t_r2; t_r2=$(wait_reply "$t_crash" "$(mac_of linux2)" "$fail_to" "$off") \
    || { lab_status; lab_die "no reply from linux2 within ${fail_to} s of the crash"; }
  local crash_out; crash_out=$(outage_ms "$t_crash" "$t_r2" "$off")
  ev_at "$t_r2" "client: first reply from linux2 (outage $(awk -v m="$crash_out" 'BEGIN { printf "%.2f", m / 1000 }') s)"
  sleep 1
  tl "the VIP answers from linux2: client outage $(awk -v m="$crash_out" 'BEGIN { printf "%.2f", m / 1000 }') s; the client's probe log:"
  probe_replies "$off" | awk -v a="$t_r2" '$1 >= a' | head -4 | while read -r t m; do
    printf '      %s  echo reply from %s, MAC %s (%s)\n' "$(date -u -d "@$t" +%T.%3N)" "$VIP" "$m" "$(node_of_mac "$m")"
  done
  echo "      client neighbour entry: $(ip -n "$NS_CLIENT" neigh show "$VIP" | head -1)"
  node_addrs linux2 | sed 's/^/      linux2 eth0: /'
  wait_until 30 both_idle
  sleep 2

  # --- linux1 comes back: failback
  node_revive linux1
  tl "linux1 is back: eth0 up; starting its daemon"
  off=$(probe_offset)
  local t_back; t_back=$(now); ev_at "$t_back" "linux1 revived, daemon started"
  node_start linux1 || exit 1
  local t_r3; t_r3=$(wait_reply "$t_back" "$(mac_of linux1)" "$cold_to" "$off") \
    || { lab_status; lab_die "no failback to linux1 within ${cold_to} s"; }
  local back_out; back_out=$(outage_ms "$t_back" "$t_r3" "$off")
  ev_at "$t_r3" "client: first reply from linux1 again (failback outage $(awk -v m="$back_out" 'BEGIN { printf "%.2f", m / 1000 }') s)"
  sleep 1
  tl "failback: the VIP answers from linux1 again, client outage $(awk -v m="$back_out" 'BEGIN { printf "%.2f", m / 1000 }') s"
  node_addrs linux1 | sed 's/^/      linux1 eth0: /'
  wait_until 30 both_idle

  # --- timeline: the lab's actions plus the VIP moves seen by the address monitors
  for node in "${LAB_NODES[@]}"; do
    vip_events "$node" "$DEMO_T0" | while read -r t what; do
      echo "$t VIP $( [[ $what == add ]] && echo "added on" || echo "removed from" ) $node" >> "$EVENTS"
    done
  done
  echo
  echo "Timeline (t=0 at the start of 'make lab'; $n1 on linux1, $n2 on linux2; keepalive $KEEPALIVE, deadtime $DEADTIME):"
  sort -n "$EVENTS" | awk -v s="$DEMO_T0" '{ t = $1; $1 = ""; printf "  t=%7.2f s %s\n", t - s, $0 }'
  echo
  printf 'Measured client outages (probe every %s s): host crash of linux1 -> linux2: %.2f s; failback -> linux1: %.2f s\n' \
    "$PROBE_INTERVAL" "$(awk -v m="$crash_out" 'BEGIN { print m / 1000 }')" "$(awk -v m="$back_out" 'BEGIN { print m / 1000 }')"
  probe_stop
}

lab_wait_vip() {   # lab_wait_vip NODE SECS: the VIP on NODE alone; prints the seconds it took
  local t0; t0=$(now)
  wait_until "$2" vip_only_on "$1" || { lab_say "the VIP is not on $1 alone after $2 s"; return 1; }
  elapsed "$t0" "$(now)"
}

# The daemon's output plus the logfile named in ha.cf (a path under /var/log is the node's own log directory).
lab_log() {
  local d f; d=$(ndir "$1")
  f=$(awk '$1 == "logfile" { print $2 }' "$d/ha.d/ha.cf" 2>/dev/null | tail -1)
  [[ $f == /var/log/* && $(impl_of "$1") != keepalived ]] && cat "$d/log/${f#/var/log/}" 2>/dev/null
  cat "$d/log/daemon.out" 2>/dev/null
}

lab_main() {
  lab_init
  local cmd=${1:-help}; shift || true
  case $cmd in
    up)       lab_up ;;
    down)     lab_down ;;
    start)    need_root; each_node node_start "${1:-all}" ;;
    stop)     need_root; each_node node_stop "${1:-all}" ;;
    crash)    need_root; check_node "${1:-}"; node_crash "$1" ;;
    revive)   need_root; check_node "${1:-}"; node_revive "$1" ;;
    kill9)    need_root; check_node "${1:-}"; node_kill9 "$1" ;;
    wait-vip) need_root; check_node "${1:-}"; lab_wait_vip "$1" "${2:-30}" ;;
    standby)  need_root; check_node "${1:-}"; node_switch "$1" standby "${2:-}" ;;
    takeover) need_root; check_node "${1:-}"; node_switch "$1" takeover "${2:-}" ;;
    status)   need_root; lab_status ;;
    exec)     need_root; check_node "${1:-}"; local n=$1; shift; node_exec "$n" "$@" ;;
    log)      check_node "${1:-}"; lab_log "$1" ;;
    config)   need_root; local n; for n in "${LAB_NODES[@]}"; do node_config "$n"; done ;;
    demo)     lab_demo ;;
    help|-h|--help) sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | grep -v '^set -uo' | sed 's/^# \{0,1\}//' ;;
    *)        lab_die "unknown sub-command '$cmd' (see lab.sh help)" ;;
  esac
}

# Sourced by the bench for its functions; run as a command otherwise.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then lab_main "$@"; else lab_init; fi
