#!/usr/bin/env bash
# topology.sh - the namespace topology every lab of this repository runs on: one LAN (a bridge whose address is the
# router), one client, and 2..N nodes, each with its own network, UTS (hostname) and mount namespace.
#
#   <P>switch   br0  ROUTER/LEN  02:00:00:00:00:01  the LAN and its router (the usual ping node)
#   <P>client   eth0 CLIENT/LEN  MAC       a client of the service address
#   <P><node>   eth0 ADDR/LEN    MAC       a node; default route via the router; hostname <node>;
#                                          private mounts over its own directories (bind:SRC:DST, tmpfs:DST)
#
# Users: deploy/lab/lab.sh (Vigil, Heartbeat or keepalived pair), deploy/pacemaker/pm-lab.sh (Corosync + Pacemaker)
# and the end-to-end tests (src/test/java/io/vigil/e2e/ClusterLab.java). Nothing else builds lab namespaces.
#
# Each node is held by an "anchor" process (sleep infinity) created inside the node's netns with unshare --uts
# --mount; every command for the node enters the anchor (nsenter -t ANCHOR -n -u -m). The anchor and everything run
# in a node have CAP_SYS_BOOT removed (setpriv --bounding-set -sys_boot): a network namespace does not contain
# reboot(2), so a node that runs `reboot` (Heartbeat after a failed stop, Pacemaker's panic path) must not be able
# to reboot the machine the lab runs on.
#
# Usage (also a library: `source topology.sh` defines the topo_* functions and runs nothing):
#   topology.sh up DIR PREFIX ROUTER/LEN CLIENT/LEN CLIENT-MAC [--no-ipv6]
#                                         switch + client; the lab is recorded in DIR/topology
#   topology.sh node DIR NAME ADDR/LEN MAC [bind:SRC:DST | tmpfs:DST]...
#                                         add a node (a bind mount whose DST does not exist here is skipped)
#   topology.sh exec DIR NAME CMD...      run CMD in the node (exec chain: CMD keeps this process's PID;
#                                         the library function topo_run runs it as a child instead)
#   topology.sh pids DIR NAME             PIDs of the node's processes, its anchor excluded
#   topology.sh down DIR [NAMESPACE...]   SIGKILL every process in the lab's namespaces (by PID, found through
#                                         `ip netns pids`), delete the namespaces; the extra names are removed too
#                                         (a lab whose record was lost). Safe at any time.
#   topology.sh ns DIR NAME               the namespace of a node (or of `switch`, `client`)
set -uo pipefail

TOPO_NOBOOT=(setpriv --bounding-set -sys_boot --inh-caps -sys_boot --)

topo_die() { echo "topology: $*" >&2; exit 1; }

topo_record() { echo "$1/topology"; }

# topo_get DIR KEY [NAME]: a field of the record ("prefix", "ipv6", "ns NAME")
topo_get() {
  local f; f=$(topo_record "$1")
  [[ -s $f ]] || return 1
  case $2 in
    ns) awk -v n="$3" '$1 == "node" && $2 == n { print $3; found = 1 }
                        $1 == n && (n == "switch" || n == "client") { print $2; found = 1 }
                        END { exit !found }' "$f" ;;
    *)  awk -v k="$2" '$1 == k { print $2; found = 1 } END { exit !found }' "$f" ;;
  esac
}

topo_namespaces() {   # every namespace of the lab, nodes first
  local f; f=$(topo_record "$1")
  [[ -s $f ]] || return 0
  awk '$1 == "node" { print $3 }' "$f"
  awk '$1 == "client" || $1 == "switch" { print $2 }' "$f"
}

topo_nodes() { local f; f=$(topo_record "$1"); [[ -s $f ]] && awk '$1 == "node" { print $2 }' "$f"; }

topo_ns_exists() { [[ -e /run/netns/$1 ]]; }

topo_ns_add() {   # topo_ns_add DIR NS: the namespace, loopback up, IPv6 off when the lab says so
  topo_ns_exists "$2" && topo_die "namespace $2 already exists (take the old lab down first)"
  ip netns add "$2" || topo_die "ip netns add $2 failed"
  ip -n "$2" link set lo up
  if [[ $(topo_get "$1" ipv6) == off ]]; then
    ip netns exec "$2" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
  fi
}

topo_plug() {   # topo_plug DIR NS NAME ADDR/LEN MAC ROUTER|-: eth0 in NS on the bridge
  local sw; sw=$(topo_get "$1" ns switch) || topo_die "no lab recorded in $1 (run 'up' first)"
  ip -n "$2" link add eth0 type veth peer name "sw-$3" netns "$sw" || topo_die "veth for $3 failed"
  ip -n "$sw" link set "sw-$3" master br0 up
  ip -n "$2" link set eth0 address "$5"
  ip -n "$2" addr add "$4" brd + dev eth0
  ip -n "$2" link set eth0 up
  [[ $6 != - ]] && ip -n "$2" route add default via "$6" 2>/dev/null
  return 0
}

topo_up() {   # topo_up DIR PREFIX ROUTER/LEN CLIENT/LEN CLIENT-MAC [--no-ipv6]
  local dir=$1 prefix=$2 router=$3 client=$4 cmac=$5 ipv6=on
  [[ ${6:-} == --no-ipv6 ]] && ipv6=off
  [[ $EUID -eq 0 ]] || topo_die "must run as root (network namespaces, bridge, bind mounts)"
  [[ $router == */* && $client == */* ]] || topo_die "addresses take a prefix length: ROUTER/LEN CLIENT/LEN"
  local c; for c in ip nsenter unshare setpriv; do command -v "$c" >/dev/null || topo_die "missing $c"; done
  mkdir -p "$dir"
  local ns; for ns in "${prefix}switch" "${prefix}client"; do
    topo_ns_exists "$ns" && topo_die "namespace $ns already exists (take the old lab down first)"
  done
  printf 'prefix %s\nipv6 %s\nrouter %s\nswitch %s\nclient %s\n' "$prefix" "$ipv6" "${router%/*}" \
    "${prefix}switch" "${prefix}client" > "$(topo_record "$dir")"
  topo_ns_add "$dir" "${prefix}switch"
  # A fixed address: a bridge without one takes the lowest of its ports' MACs, so each node plugged later could
  # change the router's MAC under the neighbour entries of the nodes before it (their pings then fail for up to a
  # minute, until the entry is probed again).
  ip -n "${prefix}switch" link add br0 address 02:00:00:00:00:01 type bridge stp_state 0 forward_delay 0
  ip -n "${prefix}switch" addr add "$router" dev br0
  ip -n "${prefix}switch" link set br0 up
  topo_ns_add "$dir" "${prefix}client"
  topo_plug "$dir" "${prefix}client" client "$client" "$cmac" "${router%/*}"
}

topo_node() {   # topo_node DIR NAME ADDR/LEN MAC [MOUNT...]
  local dir=$1 name=$2 addr=$3 mac=$4; shift 4
  local prefix router ns d m
  prefix=$(topo_get "$dir" prefix) || topo_die "no lab recorded in $dir (run 'up' first)"
  router=$(topo_get "$dir" router)
  [[ $name =~ ^[a-z][a-z0-9-]{0,11}$ ]] || topo_die "node name '$name': 1-12 of a-z 0-9 - (it names a veth)"
  topo_get "$dir" ns "$name" >/dev/null && topo_die "node $name is already in the lab"
  [[ $addr == */* ]] || topo_die "node address takes a prefix length: ADDR/LEN"
  ns=$prefix$name; d=$dir/$name
  echo "node $name $ns $addr $mac" >> "$(topo_record "$dir")"
  topo_ns_add "$dir" "$ns"
  topo_plug "$dir" "$ns" "$name" "$addr" "$mac" "$router"
  mkdir -p "$d"
  local script="hostname $name || exit 1"
  for m in "$@"; do
    case $m in
      bind:*:*) local src=${m#bind:}; src=${src%:*}
                script+="; if [ -d '${m##*:}' ]; then mount --bind '$src' '${m##*:}' || exit 1; fi" ;;
      tmpfs:*)  script+="; mount -t tmpfs -o mode=1777,size=256m topo-$name '${m#tmpfs:}' || exit 1" ;;
      *) topo_die "mount '$m': write bind:SRC:DST or tmpfs:DST" ;;
    esac
  done
  rm -f "$d/anchor.pid"
  setsid ip netns exec "$ns" unshare --uts --mount --propagation private -- "${TOPO_NOBOOT[@]}" /bin/sh -c "
      $script
      echo \$\$ > '$d/anchor.pid'
      exec sleep infinity" </dev/null >"$d/anchor.err" 2>&1 &
  disown $! 2>/dev/null
  local i; for i in $(seq 200); do [[ -s $d/anchor.pid ]] && break; sleep 0.05; done
  [[ -s $d/anchor.pid ]] || { cat "$d/anchor.err" >&2; topo_die "the namespaces of $name could not be set up"; }
  for i in $(seq 50); do
    ip netns exec "$ns" ping -c1 -W1 -q "$router" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  topo_die "$name cannot reach the router $router"
}

topo_anchor() {
  local f=$1/$2/anchor.pid p
  [[ -s $f ]] || topo_die "node $2 is not up (no $f)"
  p=$(<"$f")
  [[ -d /proc/$p ]] || topo_die "the anchor of $2 (pid $p) is gone"
  echo "$p"
}

# Runs CMD in the node as a child process (nsenter execs setpriv, which execs CMD: one PID for the three).
topo_run() {
  local a; a=$(topo_anchor "$1" "$2") || return 1
  shift 2
  nsenter -t "$a" -n -u -m -- "${TOPO_NOBOOT[@]}" "$@"
}

# The command line form: this process becomes CMD (callers keep its PID, e.g. a test's Process handle).
topo_exec() {
  local a; a=$(topo_anchor "$1" "$2") || exit 1
  shift 2
  exec nsenter -t "$a" -n -u -m -- "${TOPO_NOBOOT[@]}" "$@"
}

topo_pids() {   # every process in the node's netns except its anchor
  local ns a="" p
  ns=$(topo_get "$1" ns "$2") || return 0
  topo_ns_exists "$ns" || return 0
  [[ -s $1/$2/anchor.pid ]] && a=$(<"$1/$2/anchor.pid")
  for p in $(ip netns pids "$ns" 2>/dev/null); do [[ $p == "$a" ]] || echo "$p"; done
}

topo_down() {   # topo_down DIR [NAMESPACE...]
  local dir=$1; shift
  local all=() ns p x killed=()
  mapfile -t all < <(topo_namespaces "$dir")
  all+=("$@")
  for ns in "${all[@]}"; do
    topo_ns_exists "$ns" || continue
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null && killed+=("$p"); done
  done
  for x in $(topo_nodes "$dir"); do
    if [[ -s $dir/$x/anchor.pid ]]; then
      p=$(<"$dir/$x/anchor.pid")
      [[ -r /proc/$p/comm && $(<"/proc/$p/comm") == sleep ]] && kill -9 "$p" 2>/dev/null && killed+=("$p")
      rm -f "$dir/$x/anchor.pid"
    fi
  done
  # SIGKILL is asynchronous (a process may hold much locked memory): wait until they are gone or zombies
  local i left
  for i in $(seq 50); do
    left=0
    for p in "${killed[@]}"; do
      [[ -d /proc/$p && $(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null) != Z ]] && left=1
    done
    [[ $left == 0 ]] && break
    sleep 0.1
  done
  for ns in "${all[@]}"; do
    topo_ns_exists "$ns" && { ip netns del "$ns" || echo "topology: could not delete namespace $ns" >&2; }
  done
  rm -f "$(topo_record "$dir")"
}

topo_main() {
  local cmd=${1:-help}; shift || true
  case $cmd in
    up)   [[ $# -ge 5 ]] || topo_die "up DIR PREFIX ROUTER/LEN CLIENT/LEN CLIENT-MAC [--no-ipv6]"; topo_up "$@" ;;
    node) [[ $# -ge 4 ]] || topo_die "node DIR NAME ADDR/LEN MAC [MOUNT...]"; topo_node "$@" ;;
    exec) [[ $# -ge 3 ]] || topo_die "exec DIR NAME CMD..."; topo_exec "$@" ;;
    pids) [[ $# -eq 2 ]] || topo_die "pids DIR NAME"; topo_pids "$@" ;;
    ns)   [[ $# -eq 2 ]] || topo_die "ns DIR NAME"; topo_get "$1" ns "$2" ;;
    down) [[ $# -ge 1 ]] || topo_die "down DIR [NAMESPACE...]"; topo_down "$@" ;;
    help|-h|--help) sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | grep -v '^set -uo' | sed 's/^# \{0,1\}//' ;;
    *) topo_die "unknown sub-command '$cmd' (see topology.sh help)" ;;
  esac
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then topo_main "$@"; fi
