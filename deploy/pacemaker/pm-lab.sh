#!/usr/bin/env bash
# pm-lab.sh - the Heartbeat tutorial moved to Corosync 3 + Pacemaker 2.1 by `vigil export pacemaker`, on 2 or 3
# namespaced nodes, measured beside Vigil on the same topology (make pacemaker-lab).
#
#   <P>linux1  eth0 192.0.2.11 02:00:00:00:00:11 ─┐
#   <P>linux2  eth0 192.0.2.12 02:00:00:00:00:12 ─┼─ br0 192.0.2.1 in <P>switch (router, the tutorial's ping node)
#   <P>linux3  eth0 192.0.2.13 02:00:00:00:00:13 ─┤  (3-node labs only)
#   <P>client  eth0 192.0.2.100                  ─┘  virtual IP 192.0.2.253 (haresources: linux1 192.0.2.253)
#
# The topology is deploy/lab/topology.sh's (the one of `make lab` and the e2e tests): each node has its own hostname,
# and its own /etc/corosync, /var/lib/corosync, /var/lib/pacemaker, /var/log, /run and /dev/shm (libqb's IPC ring
# buffers: they must be private); every process of a node runs without CAP_SYS_BOOT, so Pacemaker's panic path
# (reboot(2)) cannot reboot this machine. No fencing device is configured (the tutorial has none).
#
# The tutorial's files (deploy/examples/tutorial; for 3 nodes with `node linux3` added) are exported inside linux1,
# as an operator would on a node: `vigil export pacemaker --node-address …` (findif runs there), the same
# corosync.conf and authkey go to every node, the CIB is loaded with crm (2 nodes) or with the pcs script (3 nodes).
#
# Usage: pm-lab.sh SUBCOMMAND [ARGS]
#   demo                  what `make pacemaker-lab` runs: for 2 then 3 nodes, Pacemaker then Vigil: VIP on linux1,
#                         host crash of linux1, which node answers and when, linux1 back (failback), a table
#   migrate               a live Vigil pair moved to Pacemaker with the shortest outage, and back (docs/pacemaker.md)
#   check                 the 2-node Pacemaker part of demo alone (PacemakerLabIT runs it; exit 0 when it all happened)
#   up N                  topology with N (2 or 3) nodes and the tutorial's files; nothing started
#   export                run `vigil export pacemaker` in linux1 into $PM_LAB_DIR/export and install corosync.conf + authkey
#   start NODE|all        Corosync + Pacemaker on a node ("boot": fresh /run and /dev/shm)
#   stop NODE|all         graceful stop (pacemakerd SIGTERM, then corosync)
#   load crm|pcs|cib      load the exported CIB through linux1 (or the first live node)
#   vigil-start NODE|all  Vigil on a node, with the tutorial's files
#   vigil-stop NODE|all   SIGTERM to Vigil (it stops its groups), waits
#   crash NODE            host crash: eth0 down, every process of the node SIGKILLed, the VIP gone with it
#   revive NODE           eth0 up again (nothing started)
#   status                links, addresses, processes, crm_mon -1
#   exec NODE CMD...      run CMD in the node
#   down                  kill what the lab started (by PID), delete its namespaces
#
# Knobs: PM_LAB_DIR=/tmp/vigil-pm-lab  PM_NS_PREFIX=pm-  VIGIL_CMD (default deploy/bin/vigil)  PM_PROBE_INTERVAL=0.02
set -uo pipefail
export LC_ALL=C TZ=UTC

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
TOPOLOGY=$REPO/deploy/lab/topology.sh
# shellcheck source=../lab/topology.sh
source "$TOPOLOGY"

DIR=${PM_LAB_DIR:-/tmp/vigil-pm-lab}
PFX=${PM_NS_PREFIX:-pm-}
VIGIL=${VIGIL_CMD:-$REPO/deploy/bin/vigil}
PROBE_INTERVAL=${PM_PROBE_INTERVAL:-0.02}
ROUTER=192.0.2.1
CLIENT=192.0.2.100
VIP=192.0.2.253
TUTORIAL=$REPO/deploy/examples/tutorial

die() { echo "pm-lab: $*" >&2; exit 1; }
say() { echo "pm-lab: $*" >&2; }
now() { echo "$EPOCHREALTIME"; }
ms_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d\n", (b - a) * 1000 + 0.5 }'; }
nodes() { topo_nodes "$DIR"; }
ns_of() { echo "$PFX$1"; }
ip_of() { echo "192.0.2.$((10 + ${1#linux}))"; }
mac_of() { echo "02:00:00:00:00:$((10 + ${1#linux}))"; }
node_of_mac() { local n; for n in $(nodes); do [[ $(mac_of "$n") == "$1" ]] && echo "$n"; done; }
ndir() { echo "$DIR/$1"; }
in_node() { local n=$1; shift; topo_run "$DIR" "$n" "$@"; }
check_node() { local n; for n in $(nodes); do [[ $n == "${1:-}" ]] && return 0; done; die "unknown node '${1:-}' (lab: $(nodes | tr '\n' ' '))"; }
need_root() { [[ $EUID -eq 0 ]] || die "run as root: it creates network namespaces, bind mounts and cluster daemons"; }
each() { local f=$1 n=$2 x; if [[ $n == all ]]; then for x in $(nodes); do "$f" "$x" || return 1; done; else check_node "$n"; "$f" "$n"; fi; }

# ------------------------------------------------------------------------------------------------ up / down
fresh_run() {   # a boot: empty /run with what the packages' tmpfiles would create
  local r; r="$(ndir "$1")/run"
  mkdir -p "$r"; find "$r" -mindepth 1 -delete 2>/dev/null
  mkdir -p "$r/lock" "$r/resource-agents" "$r/crm" "$r/vigil"
  chmod 1777 "$r/lock"; chown hacluster:haclient "$r/crm"; chmod 750 "$r/crm"; chmod 700 "$r/vigil"
}

node_dirs() {
  local n=$1 d; d=$(ndir "$1")
  mkdir -p "$d/etc-corosync" "$d/varlib-corosync" "$d/varlib-pacemaker" "$d/log/pacemaker" "$d/log/corosync" "$d/log/crmsh" \
           "$d/log/pcsd" "$d/ha.d" "$d/state"
  cp -a /var/lib/pacemaker/. "$d/varlib-pacemaker/"
  find "$d/varlib-pacemaker" -mindepth 2 -type f -delete
  chown -R hacluster:haclient "$d/varlib-pacemaker" "$d/log/pacemaker"; chmod 770 "$d/log/pacemaker"
  [[ -d /etc/corosync/uidgid.d ]] && cp -a /etc/corosync/uidgid.d "$d/etc-corosync/"
  # the tutorial's files, unchanged but for the third node's line
  cp "$TUTORIAL/ha.cf" "$TUTORIAL/authkeys" "$TUTORIAL/haresources" "$d/ha.d/"
  chmod 600 "$d/ha.d/authkeys"
  [[ ${PM_N:-2} -ge 3 ]] && echo "node linux3" >> "$d/ha.d/ha.cf"
  fresh_run "$n"
}

lab_up() {
  need_root
  local n=${1:-2} i
  [[ $n == 2 || $n == 3 ]] || die "up takes 2 or 3 (got '$n')"
  local c; for c in corosync pacemakerd crm_mon crm cibadmin tcpdump; do command -v "$c" >/dev/null || die "missing $c (apt-get install corosync pacemaker pacemaker-cli-utils crmsh pcs tcpdump)"; done
  mkdir -p "$DIR"
  [[ -s $DIR/topology ]] && lab_down
  ( topo_up "$DIR" "$PFX" "$ROUTER/24" "$CLIENT/24" 02:00:00:00:00:64 --no-ipv6 ) || die "topology failed"
  for ((i = 1; i <= n; i++)); do
    local node=linux$i d; d=$(ndir "$node")
    PM_N=$n node_dirs "$node"
    ( topo_node "$DIR" "$node" "$(ip_of "$node")/24" "$(mac_of "$node")" "bind:$d/etc-corosync:/etc/corosync" \
        "bind:$d/varlib-corosync:/var/lib/corosync" "bind:$d/varlib-pacemaker:/var/lib/pacemaker" "bind:$d/log:/var/log" \
        "bind:$d/run:/run" "tmpfs:/dev/shm" ) || die "node $node failed"
    [[ $(in_node "$node" uname -n) == "$node" ]] || die "$node has no hostname of its own"
  done
  say "up: $n nodes ($(nodes | tr '\n' ' ')), namespaces ${PFX}*, files in $DIR"
}

lab_down() {
  probe_stop
  topo_down "$DIR" "$(ns_of linux1)" "$(ns_of linux2)" "$(ns_of linux3)" "${PFX}client" "${PFX}switch"
  say "down"
}

# ------------------------------------------------------------------------------------------------ export
lab_export() {
  [[ -x $VIGIL ]] || die "no Vigil launcher at $VIGIL"
  local args=() n out=$DIR/export
  for n in $(nodes); do [[ $n == linux1 ]] || args+=(--node-address "$n=$(ip_of "$n")"); done
  rm -rf "$out"
  in_node linux1 "$VIGIL" export pacemaker --config-dir "$(ndir linux1)/ha.d" --node-name linux1 "${args[@]}" \
      --output-dir "$out" > "$DIR/export.out" 2>&1 || { cat "$DIR/export.out" >&2; die "vigil export pacemaker failed"; }
  for n in $(nodes); do
    install -m 644 "$out/corosync.conf" "$(ndir "$n")/etc-corosync/corosync.conf"
    install -m 400 "$out/authkey" "$(ndir "$n")/etc-corosync/authkey"
  done
}

# ------------------------------------------------------------------------------------------------ processes
daemon_pids() {   # corosync and pacemaker daemons of a node
  local p; for p in $(topo_pids "$DIR" "$1"); do
    case $(cat "/proc/$p/comm" 2>/dev/null) in corosync|pacemakerd|pacemaker-*) echo "$p" ;; esac
  done
}

pm_start() {
  local n=$1 d i; d=$(ndir "$n")
  [[ -n $(daemon_pids "$n") ]] && return 0
  fresh_run "$n"
  in_node "$n" sh -c 'umount /dev/shm 2>/dev/null; mount -t tmpfs -o mode=1777,size=256m shm /dev/shm'
  setsid "$TOPOLOGY" exec "$DIR" "$n" /usr/sbin/corosync -f </dev/null >>"$d/corosync.out" 2>&1 &
  disown $!
  for i in $(seq 100); do in_node "$n" corosync-cfgtool -s >/dev/null 2>&1 && break; sleep 0.1; done
  in_node "$n" corosync-cfgtool -s >/dev/null 2>&1 || { tail -5 "$d/log/corosync/corosync.log" >&2; die "$n: corosync does not answer"; }
  setsid "$TOPOLOGY" exec "$DIR" "$n" env PCMK_logfile=/var/log/pacemaker/pacemaker.log PCMK_logfacility=none \
      /usr/sbin/pacemakerd </dev/null >>"$d/pacemakerd.out" 2>&1 &
  disown $!
}

pm_stop() {
  local n=$1 p i
  for p in $(daemon_pids "$n"); do [[ $(cat "/proc/$p/comm" 2>/dev/null) == pacemakerd ]] && kill -TERM "$p"; done
  for i in $(seq 600); do
    [[ -z $(for p in $(daemon_pids "$n"); do [[ $(cat "/proc/$p/comm" 2>/dev/null) == corosync ]] || echo "$p"; done) ]] && break
    sleep 0.1
  done
  in_node "$n" corosync-cfgtool -H --force >/dev/null 2>&1
  for i in $(seq 100); do [[ -z $(daemon_pids "$n") ]] && break; sleep 0.1; done
}

vigil_start() {
  local n=$1 d; d=$(ndir "$n")
  [[ -s $d/vigil.pid && -d /proc/$(cat "$d/vigil.pid") ]] && return 0
  rm -f "$d/vigil.pid"
  setsid "$TOPOLOGY" exec "$DIR" "$n" /bin/sh -c "echo \$\$ > '$d/vigil.pid'; exec $VIGIL run --config-dir '$d/ha.d' \
      --node-name $n --run-dir '$d/run/vigil' --state-dir '$d/state'" </dev/null >>"$d/vigil.out" 2>&1 &
  disown $!
  local i; for i in $(seq 100); do [[ -s $d/vigil.pid ]] && return 0; sleep 0.02; done
}

vigil_stop() {
  local n=$1 p="" i; [[ -s $(ndir "$n")/vigil.pid ]] && p=$(cat "$(ndir "$n")/vigil.pid")
  [[ -n $p && -d /proc/$p ]] || return 0
  kill -TERM "$p"
  for i in $(seq 600); do [[ -d /proc/$p ]] || break; sleep 0.1; done
  rm -f "$(ndir "$n")/vigil.pid"
}

node_crash() {   # the link dies first, then everything in RAM: processes, addresses, /run
  local n=$1 p; ip -n "$(ns_of "$n")" link set eth0 down
  for p in $(topo_pids "$DIR" "$n"); do kill -9 "$p" 2>/dev/null; done
  ip -n "$(ns_of "$n")" addr del "$VIP/24" dev eth0 2>/dev/null
  rm -f "$(ndir "$n")/vigil.pid"
  return 0
}

node_revive() {
  ip -n "$(ns_of "$1")" link set eth0 up
  ip -n "$(ns_of "$1")" route replace default via "$ROUTER" 2>/dev/null
  return 0
}

first_live() { local n; for n in $(nodes); do in_node "$n" crm_mon -1 >/dev/null 2>&1 && { echo "$n"; return 0; }; done; return 1; }

all_online() {
  local x want; x=$(first_live) || return 1
  want="Online: [ $(nodes | tr '\n' ' ')]"
  in_node "$x" crm_mon -1 2>/dev/null | grep -qF "$want"
}

lab_load() {
  local how=${1:-crm} x out=$DIR/export; x=$(first_live) || die "no node answers crm_mon"
  case $how in
    crm) in_node "$x" crm -F configure load update "$out/cib.crm" ;;
    pcs) in_node "$x" sh "$out/cib.pcs" ;;
    cib) in_node "$x" cibadmin --replace --scope configuration --xml-file "$out/cib.xml" ;;
    *) die "load crm|pcs|cib" ;;
  esac >"$DIR/load-$how.out" 2>&1 || { cat "$DIR/load-$how.out" >&2; die "loading the $how form failed"; }
}

# ------------------------------------------------------------------------------------------------ observation
vip_holders() { local n; for n in $(nodes); do ip -n "$(ns_of "$n")" -4 -o addr show dev eth0 2>/dev/null | grep -q " $VIP/" && echo "$n"; done; }
vip_only_on() { [[ $(vip_holders | tr '\n' ' ') == "$1 " ]]; }
vip_nowhere() { [[ -z $(vip_holders) ]]; }

wait_until() {   # wait_until SECS CMD...
  local end; end=$(awk -v a="$(now)" -v s="$1" 'BEGIN { printf "%.3f", a + s }'); shift
  while :; do
    "$@" && return 0
    awk -v a="$(now)" -v b="$end" 'BEGIN { exit !(a > b) }' && return 1
    sleep 0.1
  done
}

# The client pings the VIP every PROBE_INTERVAL; tcpdump records each reply with its receive time and the MAC of the
# node that sent it.
probe_start() {
  probe_stop
  : > "$DIR/probe.txt"
  ip netns exec "${PFX}client" tcpdump -i eth0 -n -e -tt -l -U "icmp and host $VIP" >"$DIR/probe.txt" 2>"$DIR/tcpdump.err" &
  echo "$! tcpdump" > "$DIR/probe.pids"
  local i; for i in $(seq 100); do grep -q 'listening on' "$DIR/tcpdump.err" 2>/dev/null && break; sleep 0.05; done
  ip netns exec "${PFX}client" ping -n -q -i "$PROBE_INTERVAL" "$VIP" >/dev/null 2>&1 &
  echo "$! ping" >> "$DIR/probe.pids"
}

probe_stop() {
  [[ -s $DIR/probe.pids ]] || return 0
  local p c; while read -r p c; do [[ $(cat "/proc/$p/comm" 2>/dev/null) == "$c" ]] && kill "$p" 2>/dev/null; done < "$DIR/probe.pids"
  rm -f "$DIR/probe.pids"
}

replies() { awk -v vip="$VIP" -v cl="$CLIENT" 'index($0, vip " > " cl ": ICMP echo reply") { print $1, $2 }' "$DIR/probe.txt"; }
# first reply at or after T0 (from MAC, when given; not from MAC when it starts with !): "epoch mac"
first_reply() {
  replies | awk -v t0="$1" -v mac="${2:-}" '$1 >= t0 && (mac == "" || $2 == mac || (mac ~ /^!/ && $2 != substr(mac, 2))) { print; exit }'
}
last_reply_before() { replies | awk -v t0="$1" '$1 < t0 { r = $1 } END { print r }'; }
replied_after() { [[ -n $(first_reply "$@") ]]; }
# longest silence between replies in [T0, T1]: the outage the client saw, in ms
outage_ms() {
  replies | awk -v a="$1" -v b="$2" 'BEGIN { last = a; gap = 0 }
    $1 > a && $1 <= b { if ($1 - last > gap) gap = $1 - last; last = $1 }
    END { if (b - last > gap) gap = b - last; printf "%d\n", gap * 1000 + 0.5 }'
}

# ------------------------------------------------------------------------------------------------ scenario
RESULTS=()

# scenario IMPL N: VIP on linux1, crash linux1, who answers and when, linux1 back, failback. Prints and records.
scenario() {
  local impl=$1 n=$2 t0 first holder mac t_back r3 cold
  echo
  echo "== $impl, $n nodes =="
  t0=$(now)
  if [[ $impl == pacemaker ]]; then
    each pm_start all
    wait_until 120 all_online || { lab_status; die "the nodes did not all come online"; }
    local online; online=$(ms_between "$t0" "$(now)")
    echo "   all $n nodes Online after $online ms (dc-deadtime = initdead 20 s dominates)"
    local how=crm; [[ $n == 3 ]] && how=pcs
    lab_load "$how"
    echo "   CIB loaded with the exported $([[ $how == crm ]] && echo "cib.crm (crm configure load update)" \
      || echo "cib.pcs (pcs -f on a copy, then cib-push)") in $(ms_between "$t0" "$(now)") ms from the start"
    t0=$(now)
  else
    each vigil_start all
  fi
  wait_until 180 vip_only_on linux1 || { lab_status; die "$impl: the VIP did not come up on linux1 alone"; }
  wait_until 30 replied_after "$t0" "$(mac_of linux1)" || die "$impl: the client gets no reply from linux1"
  cold=$(ms_between "$t0" "$(first_reply "$t0" "$(mac_of linux1)" | cut -d' ' -f1)")
  if [[ $impl == pacemaker ]]; then
    echo "   VIP $VIP answers from linux1 ($(mac_of linux1)) $cold ms after the CIB was loaded"
    cold="$online+$cold"
    # a crash while a transition is still running (the ping clone starting) waits for it: crash a settled cluster
    in_node linux1 crm_resource --wait --timeout=120 >/dev/null 2>&1 || echo "   (the cluster did not settle within 120 s)"
  else
    echo "   VIP $VIP answers from linux1 ($(mac_of linux1)) $cold ms after the start of the daemons (JVM boot included)"
  fi
  sleep 5
  ip -n "$(ns_of linux1)" link set eth0 down
  t0=$(now)
  node_crash linux1
  wait_until 120 replied_after "$t0" "!$(mac_of linux1)" || { lab_status; die "$impl: nobody answers for the VIP after the crash"; }
  read -r first mac < <(first_reply "$t0" "!$(mac_of linux1)")
  holder=$(node_of_mac "$mac")
  local crash_ms gap_ms; crash_ms=$(ms_between "$t0" "$first"); gap_ms=$(ms_between "$(last_reply_before "$t0")" "$first")
  echo "   CRASH of linux1 -> the VIP answers from $holder ($mac) $crash_ms ms after the crash (client gap $gap_ms ms)"
  wait_until 30 vip_only_on "$holder" || echo "   (the VIP is on: $(vip_holders | tr '\n' ' '))"
  sleep 3
  node_revive linux1
  t_back=$(now)
  if [[ $impl == pacemaker ]]; then pm_start linux1; else vigil_start linux1; fi
  wait_until 180 replied_after "$t_back" "$(mac_of linux1)" || { lab_status; die "$impl: no failback to linux1"; }
  r3=$(first_reply "$t_back" "$(mac_of linux1)" | cut -d' ' -f1)
  local back_ms fb_gap; back_ms=$(ms_between "$t_back" "$r3"); fb_gap=$(outage_ms "$t_back" "$r3")
  echo "   linux1 back -> the VIP answers from linux1 again $back_ms ms after its start (stickiness 0 / auto_failback on), client gap $fb_gap ms"
  RESULTS+=("$impl|$n|$cold|$holder|$crash_ms|$gap_ms|$back_ms|$fb_gap")
  # leave the stack: Pacemaker stops gracefully on every node, Vigil too
  if [[ $impl == pacemaker ]]; then each pm_stop all; else each vigil_stop all; fi
  wait_until 30 vip_nowhere || echo "   (after the stop the VIP is still on: $(vip_holders | tr '\n' ' '))"
}

print_results() {
  echo
  echo "Results (client probe every ${PROBE_INTERVAL} s; ms; this machine, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)):"
  echo "  (VIP up: Vigil from the start of the daemons; Pacemaker: nodes Online + VIP after the CIB load)"
  printf '  %-10s %-5s %-22s %-10s %-22s %-16s %-24s %s\n' stack nodes "VIP up" survivor "crash -> VIP answers" "client gap" "failback after restart" "failback gap"
  local r; for r in "${RESULTS[@]}"; do
    IFS='|' read -r impl n cold holder crash gap back fbgap <<<"$r"
    printf '  %-10s %-5s %-22s %-10s %-22s %-16s %-24s %s\n' "$impl" "$n" "$cold" "$holder" "$crash" "$gap" "$back" "$fbgap"
  done
}

# check: the 2-node Pacemaker scenario alone, for the integration test (exit 0 when every step happened).
lab_check() {
  need_root
  build_if_needed
  trap 'rc=$?; trap - EXIT; [[ $rc -ne 0 ]] && say "failed (exit $rc): logs in $DIR/<node>/log"; lab_down; exit $rc' EXIT
  trap 'exit 130' INT TERM
  lab_up 2
  lab_export
  probe_start
  scenario pacemaker 2
  probe_stop
  print_results
}

build_if_needed() {
  [[ -s $REPO/target/quarkus-app/quarkus-run.jar || $VIGIL != "$REPO/deploy/bin/vigil" ]] || \
    (cd "$REPO" && ./mvnw -B -q package -DskipTests) || die "the build failed"
}

lab_demo() {
  need_root
  build_if_needed
  trap 'rc=$?; trap - EXIT; [[ $rc -ne 0 ]] && say "failed (exit $rc): logs in $DIR/<node>/log"; lab_down; exit $rc' EXIT
  trap 'exit 130' INT TERM
  local n
  for n in 2 3; do
    lab_up "$n"
    lab_export
    echo "== vigil export pacemaker (in linux1), $n nodes: $(head -1 "$DIR/export.out")"
    grep -E '^  \S' "$DIR/export.out" | grep -v '^  (cib|corosync|authkey|README)' | head -5 | sed 's/^/   /'
    grep -E 'token:|two_node|ring0_addr' "$DIR/export/corosync.conf" | tr -s ' ' | tr '\n' ';' | sed 's/^/   corosync.conf:/; s/;$/\n/'
    probe_start
    scenario pacemaker "$n"
    scenario vigil "$n"
    probe_stop
    lab_down
  done
  print_results
}

# ------------------------------------------------------------------------------------------------ migration
# A running Vigil pair → Pacemaker: Corosync and Pacemaker start beside Vigil (they use UDP 5405, Vigil 694) with the
# CIB loaded in maintenance mode, so Pacemaker only watches; then Vigil stops (it releases the VIP), Pacemaker
# re-probes and leaves maintenance mode and starts the VIP on linux1. The way back: maintenance mode again, Pacemaker
# and Corosync stop (the VIP stays), Vigil starts and finds the VIP already up on its preferred node.
lab_migrate() {
  need_root
  build_if_needed
  trap 'rc=$?; trap - EXIT; [[ $rc -ne 0 ]] && say "failed (exit $rc): logs in $DIR/<node>/log"; lab_down; exit $rc' EXIT
  trap 'exit 130' INT TERM
  lab_up 2
  lab_export
  probe_start
  local t0; t0=$(now)
  each vigil_start all
  wait_until 180 vip_only_on linux1 || die "Vigil: no VIP on linux1"
  echo "1. Vigil pair running, the VIP on linux1 ($(ms_between "$t0" "$(now)") ms after the start)"
  each pm_start all
  wait_until 120 all_online || die "Pacemaker nodes not online"
  local x; x=$(first_live)
  in_node "$x" crm_attribute --type crm_config --name maintenance-mode --update true >/dev/null || die "maintenance-mode"
  lab_load crm
  sleep 5
  echo "2. Corosync + Pacemaker running beside Vigil, CIB loaded in maintenance mode: $(in_node "$x" crm_mon -1 2>/dev/null | grep -c 'unmanaged') resource line(s) unmanaged, VIP still on $(vip_holders | tr '\n' ' ')"
  sleep 2
  vigil_stop linux2
  t0=$(now)
  vigil_stop linux1
  local t1; t1=$(now)
  in_node "$x" crm_resource --refresh >/dev/null 2>&1
  in_node "$x" crm_attribute --type crm_config --name maintenance-mode --delete >/dev/null 2>&1
  wait_until 60 replied_after "$t1" "$(mac_of linux1)" || die "Pacemaker did not start the VIP on linux1"
  local r; r=$(first_reply "$t1" "$(mac_of linux1)" | cut -d' ' -f1)
  echo "3. Vigil stopped (linux2, then linux1: $(ms_between "$t0" "$t1") ms), refresh + maintenance off: the VIP answers from linux1 $(ms_between "$t1" "$r") ms later; client outage $(outage_ms "$t0" "$r") ms"
  MIGRATION_OUT=$(outage_ms "$t0" "$r")
  sleep 5
  in_node "$x" crm_attribute --type crm_config --name maintenance-mode --update true >/dev/null
  sleep 2
  t0=$(now)
  each pm_stop all
  echo "4. The way back: maintenance mode, Corosync + Pacemaker stopped ($(ms_between "$t0" "$(now)") ms); VIP on $(vip_holders | tr '\n' ' ')"
  t0=$(now)
  each vigil_start all
  wait_until 180 vip_only_on linux1 || die "Vigil did not keep/take the VIP on linux1"
  sleep 15
  local back; back=$(outage_ms "$t0" "$(now)")
  echo "5. Vigil started on both: the VIP stays on linux1; longest client gap over the next $(ms_between "$t0" "$(now)") ms: $back ms"
  probe_stop
}

lab_status() {
  local n p x
  for n in $(nodes); do
    echo "== $n: eth0 $(ip -n "$(ns_of "$n")" -4 -o addr show dev eth0 2>/dev/null | awk '{ print $4 }' | tr '\n' ' ')"
    for p in $(topo_pids "$DIR" "$n"); do ps -o pid=,rss=,args= -p "$p" 2>/dev/null | cut -c1-120 | sed 's/^/   /'; done
  done
  x=$(first_live) && { echo "== crm_mon -1 (in $x)"; in_node "$x" crm_mon -1; }
  return 0
}

main() {
  local cmd=${1:-help}; shift || true
  case $cmd in
    demo)        lab_demo ;;
    check)       lab_check ;;
    migrate)     lab_migrate ;;
    up)          lab_up "${1:-2}" ;;
    export)      lab_export ;;
    start)       need_root; each pm_start "${1:-all}" ;;
    stop)        need_root; each pm_stop "${1:-all}" ;;
    load)        lab_load "${1:-crm}" ;;
    vigil-start) need_root; each vigil_start "${1:-all}" ;;
    vigil-stop)  need_root; each vigil_stop "${1:-all}" ;;
    crash)       check_node "${1:-}"; node_crash "$1" ;;
    revive)      check_node "${1:-}"; node_revive "$1" ;;
    status)      lab_status ;;
    exec)        check_node "${1:-}"; n=$1; shift; in_node "$n" "$@" ;;
    down)        need_root; lab_down ;;
    help|-h|--help) sed -n '2,/^set -uo/p' "$0" | grep -v '^set -uo' | sed 's/^# \{0,1\}//' ;;
    *) die "unknown sub-command '$cmd' (pm-lab.sh help)" ;;
  esac
}

main "$@"
