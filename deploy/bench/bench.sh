#!/usr/bin/env bash
# bench.sh - Vigil, Heartbeat 3.0.6 and keepalived 2.2.7 side by side in the two-node lab (deploy/lab/lab.sh).
#
# Not a pass/fail test: it measures what a client of the virtual IP sees and writes
#   target/bench/results.jsonl   one JSON object per sample (raw)
#   docs/performance.md          table (min / median / max, ratio of medians to each peer), method, machine
#   docs/performance.png         chart of the medians (gnuplot)
#
# Scenarios (each RUNS times, per implementation and timing profile):
#   cold      both nodes cold-started together          -> time until the VIP answers the client from linux1
#   crash     host crash of linux1 (eth0 down, kill -9)  -> client outage until linux2 answers
#   failback  linux1 returns after crash / graceful      -> client outage until linux1 answers again
#   graceful  graceful stop of linux1 (heartbeat -k, SIGTERM) -> client outage until linux2 answers
#   standby   operator switchover: standby on linux1, then takeover back (not available in keepalived); each sample
#             also has the wall time of the command itself (cmd_ms: `vigil standby|takeover`, `hb_standby|hb_takeover`)
#   idle      over IDLE_SECONDS with a stable pair, per node: CPU, RSS and PSS, wake-ups per second (voluntary context
#             switches of all threads of the daemon's processes); per process (idle_proc samples): RSS, PSS, wake-ups
#   query     `cl_status nodestatus linux2` run QUERY_CALLS times on linux1: wall time of each call (not keepalived);
#             then (Vigil only, also alone with SCENARIOS=status) `vigil status` QUERY_CALLS times (scenario status_cmd)
#   stress    fast profile, all implementations at once under `stress-ng --cpu 2` for STRESS_MINUTES:
#             false failovers (VIP moves) and the longest client gap
#
# Knobs: RUNS=5 PROFILES=tutorial,fast IMPLS=vigil,heartbeat,keepalived SCENARIOS=cold,crash,graceful,standby,idle,query,stress
#        (SCENARIOS=status: only the `vigil status` calls of query)
#        STRESS_MINUTES=10 IDLE_SECONDS=60 QUERY_CALLS=20 BENCH_QUICK=1 (1 run, tutorial profile only, 1 minute of stress, 20 s idle)
#        BENCH_RENDER_ONLY=1 (re-render docs from target/bench/results.jsonl)  VIGIL_CMD (see lab.sh)
#        BENCH_OUT=target/bench BENCH_DOCS=docs (where raw results and the rendered page go)
set -uo pipefail
export LC_ALL=C TZ=UTC

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export LAB_DIR=${BENCH_LAB_DIR:-/tmp/vigil-bench} LAB_NS_PREFIX=vl-b-
# shellcheck source=../lab/lab.sh
source "$BENCH_DIR/../lab/lab.sh"

if [[ ${BENCH_QUICK:-0} == 1 ]]; then
  : "${RUNS:=1}" "${PROFILES:=tutorial}" "${STRESS_MINUTES:=1}" "${IDLE_SECONDS:=20}"
fi
RUNS=${RUNS:-5}
PROFILES=${PROFILES:-tutorial,fast}
IMPLS=${IMPLS:-vigil,heartbeat,keepalived}
SCENARIOS=${SCENARIOS:-cold,crash,graceful,standby,idle,query,stress}
QUERY_CALLS=${QUERY_CALLS:-20}
STRESS_MINUTES=${STRESS_MINUTES:-10}
IDLE_SECONDS=${IDLE_SECONDS:-60}
OUT=${BENCH_OUT:-$REPO_ROOT/target/bench}
RAW=$OUT/results.jsonl
DOCS=${BENCH_DOCS:-$REPO_ROOT/docs}

say() { printf '%s bench: %s\n' "$(date -u +%T)" "$*" >&2; }
has() { [[ ",$2," == *",$1,"* ]]; }
load1() { cut -d' ' -f1 /proc/loadavg; }

record() {   # record scenario run key=value...  (numbers bare, everything else quoted; "null" stays null)
  local scen=$1 run=$2; shift 2
  local kv line="{\"impl\":\"$LAB_IMPL\",\"profile\":\"$LAB_PROFILE\",\"keepalive\":\"$KEEPALIVE\",\"deadtime\":\"$DEADTIME\",\"scenario\":\"$scen\",\"run\":$run"
  for kv in "$@"; do
    local k=${kv%%=*} v=${kv#*=}
    if [[ $v =~ ^-?[0-9]+(\.[0-9]+)?$ || $v == null ]]; then line+=",\"$k\":$v"; else line+=",\"$k\":\"$v\""; fi
  done
  line+=",\"load1\":$(load1),\"time\":\"$(date -u +%FT%TZ)\"}"
  echo "$line" >> "$RAW"
  say "$LAB_IMPL/$LAB_PROFILE $scen #$run: $*"
}

# ------------------------------------------------------------------------------------------------ pair states
timeouts() {
  local dt; dt=$(secs_of "$DEADTIME")
  COLD_TO=$(awk -v d="$dt" 'BEGIN { print 4 * d + 40 }')
  FAIL_TO=$(awk -v d="$dt" 'BEGIN { print 3 * d + 30 }')
}

# Both daemons down, no VIP anywhere, links up: as after a reboot of both.
stop_both() {
  local n
  for n in linux2 linux1; do [[ -n $(node_pids "$n") ]] && node_stop "$n" >/dev/null 2>&1; done
  for n in linux1 linux2; do
    if [[ -n $(node_pids "$n") ]] || vip_on "$n"; then node_crash "$n"; fi
    link_up "$n" || node_revive "$n"
  done
  sleep 0.5
}

# Both daemons up, the VIP on linux1 only, the client answered by linux1, no transition running.
stable_pair() {
  if [[ -z $(node_pids linux1) || -z $(node_pids linux2) ]] || ! vip_only_on linux1; then
    stop_both
    LINUX1_STARTED=$(now)
    each_node node_start all || return 1
  fi
  wait_until "$COLD_TO" vip_only_on linux1 || { say "the VIP did not settle on linux1"; return 1; }
  wait_reply "$(now)" "$(mac_of linux1)" 15 "$(probe_offset)" >/dev/null || { say "no reply from linux1"; return 1; }
  wait_until 30 both_idle
  sleep 2
}

ms_or_null() { [[ -n ${2:-} ]] && ms_between "$1" "$2" || echo null; }

# ------------------------------------------------------------------------------------------------ scenarios
sc_cold() {
  local i off t0 tr tv
  for ((i = 1; i <= RUNS; i++)); do
    stop_both; sleep 1
    off=$(probe_offset); t0=$(now)
    each_node node_start all; LINUX1_STARTED=$t0
    tr=$(wait_reply "$t0" "$(mac_of linux1)" "$COLD_TO" "$off")
    tv=$(first_vip_event linux1 "$t0" add)
    record cold "$i" value_ms="$(ms_or_null "$t0" "$tr")" vip_up_ms="$(ms_or_null "$t0" "$tv")"
    wait_until 30 both_idle
  done
}

# A crash is measured in the steady state: each implementation advertises a longer deadtime for a while after it
# starts (Heartbeat 32 s for its first 30 s, reference §4.7; Vigil deadtime + 2 s for its first 5 s), so a crash
# soon after linux1 (re)started would measure that start-up allowance instead. LINUX1_STARTED is set when linux1's
# daemon is started.
LINUX1_STARTED=0
startup_window() { case $LAB_IMPL in heartbeat) echo 33 ;; vigil) echo 9 ;; *) echo 0 ;; esac; }   # window + boot time
past_startup_window() {
  local left; left=$(awk -v s="$LINUX1_STARTED" -v n="$(now)" -v w="$(startup_window)" 'BEGIN { d = s + w - n; print (d > 0 ? d : 0) }')
  [[ $left == 0 ]] || sleep "$left"
}

failback() {   # failback RUN CAUSE: linux1 is down (crashed or stopped); restart it and measure the way back
  local i=$1 cause=$2 off t0 tr td tv
  wait_until 30 both_idle
  link_up linux1 || node_revive linux1
  sleep 1
  local holder=none; vip_on linux2 && holder=linux2   # the VIP should be on linux2 now; Heartbeat may have flapped
  off=$(probe_offset); t0=$(now)
  node_start linux1; LINUX1_STARTED=$t0
  tr=$(wait_reply "$t0" "$(mac_of linux1)" "$COLD_TO" "$off")
  td=$(first_vip_event linux2 "$t0" del); tv=$(first_vip_event linux1 "$t0" add)
  record failback "$i" after="$cause" vip_holder_at_t0="$holder" value_ms="$( [[ -n $tr ]] && outage_ms "$t0" "$tr" "$off" || echo null)" \
    answer_ms="$(ms_or_null "$t0" "$tr")" vip_del_linux2_ms="$(ms_or_null "$t0" "$td")" vip_up_linux1_ms="$(ms_or_null "$t0" "$tv")"
}

sc_failover() {   # sc_failover crash|graceful
  local what=$1 i off t0 tr tv pid
  for ((i = 1; i <= RUNS; i++)); do
    stable_pair || { record "$what" "$i" value_ms=null error=unstable; continue; }
    [[ $what == crash ]] && past_startup_window
    off=$(probe_offset); t0=$(now)
    if [[ $what == crash ]]; then node_crash linux1; else node_stop linux1 >/dev/null 2>&1 & pid=$!; fi
    tr=$(wait_reply "$t0" "$(mac_of linux2)" "$FAIL_TO" "$off")
    [[ $what == graceful ]] && wait "$pid"
    tv=$(first_vip_event linux2 "$t0" add)
    record "$what" "$i" value_ms="$( [[ -n $tr ]] && outage_ms "$t0" "$tr" "$off" || echo null)" \
      answer_ms="$(ms_or_null "$t0" "$tr")" vip_up_linux2_ms="$(ms_or_null "$t0" "$tv")"
    [[ $what == graceful && -n $(node_pids linux1) ]] && node_crash linux1   # did not stop: clean it like a reboot
    failback "$i" "$what"
  done
}

# The operator command on NODE, timed inside the node with bash's EPOCHREALTIME from its start until it exits (what
# node_switch runs): prints "WALL_MS EXIT_CODE".
switch_timed() {
  local node=$1 what=$2 cmd
  case $(impl_of "$node") in
    heartbeat) cmd="$HB_SHARE/hb_$what" ;;
    vigil)     cmd="$VIGIL_CMD $what --run-dir $(ndir "$node")/run/vigil" ;;
    *) echo "null 2"; return ;;
  esac
  # shellcheck disable=SC2016 # expanded inside the node
  node_exec "$node" bash -c 'a=$EPOCHREALTIME; $0 </dev/null >/dev/null 2>&1; rc=$?; b=$EPOCHREALTIME
    awk -v a="$a" -v b="$b" -v rc="$rc" "BEGIN { printf \"%.1f %d\n\", (b - a) * 1000, rc }"' "$cmd"
}

sc_standby() {
  local i off t0 tr took=() tf=$OUT/switch.tmp
  if [[ $LAB_IMPL == keepalived ]]; then
    record standby 0 value_ms=null note="keepalived has no operator standby/takeover command"
    return
  fi
  for ((i = 1; i <= RUNS; i++)); do
    stable_pair || { record standby "$i" value_ms=null error=unstable; continue; }
    off=$(probe_offset); t0=$(now)
    switch_timed linux1 standby >"$tf" 2>/dev/null &
    tr=$(wait_reply "$t0" "$(mac_of linux2)" "$FAIL_TO" "$off"); wait
    read -r -a took <"$tf"
    record standby "$i" value_ms="$( [[ -n $tr ]] && outage_ms "$t0" "$tr" "$off" || echo null)" answer_ms="$(ms_or_null "$t0" "$tr")" \
      cmd_ms="${took[0]:-null}" cmd_rc="${took[1]:-null}"
    wait_until 30 both_idle; sleep 2
    if ! vip_only_on linux2; then   # the standby did not hold: nothing to take back
      record takeover "$i" value_ms=null error="VIP not on linux2 alone before the takeover"
      continue
    fi
    off=$(probe_offset); t0=$(now)
    switch_timed linux1 takeover >"$tf" 2>/dev/null &
    tr=$(wait_reply "$t0" "$(mac_of linux1)" "$FAIL_TO" "$off"); wait
    read -r -a took <"$tf"
    record takeover "$i" value_ms="$( [[ -n $tr ]] && outage_ms "$t0" "$tr" "$off" || echo null)" answer_ms="$(ms_or_null "$t0" "$tr")" \
      cmd_ms="${took[0]:-null}" cmd_rc="${took[1]:-null}"
    wait_until 30 both_idle
  done
  rm -f "$tf"
}

# A snapshot of NODE's processes (every process in its namespaces but the lab's anchor and observers: the daemon and
# its children, e.g. Vigil's JVM and guardian, Heartbeat's master and its link processes, keepalived and its VRRP
# child). One line per process: "P PID TICKS RSS_KB PSS_KB COMM TITLE" (TICKS = utime+stime; PSS from smaps_rollup
# shares each page among the processes that map it, so libraries mapped by both lab nodes count half on each; TITLE
# is the command line when the process renamed itself "COMM: what", as Heartbeat's children do, else "-"), and one
# per thread: "T PID TID VOLUNTARY_SWITCHES" (/proc/PID/task/TID/status).
idle_snapshot() {
  local p f comm title rss pss
  for p in $(node_pids "$1"); do
    f=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    local a; read -r -a a <<<"${f##*) }"
    read -r comm <"/proc/$p/comm" 2>/dev/null || comm='?'
    comm=${comm//[^A-Za-z0-9_.:-]/_}
    title=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-60)
    title=${title% }; title=${title//[^A-Za-z0-9 _.:\/-]/_}
    [[ $title == "$comm:"* ]] || title=-
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
    pss=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null)
    echo "P $p $((a[11] + a[12])) ${rss:-0} ${pss:-0} $comm $title"
    awk -v p="$p" '/^voluntary_ctxt_switches/ { n = split(FILENAME, x, "/"); print "T", p, x[n - 1], $2 }' /proc/"$p"/task/*/status 2>/dev/null
  done
}

# Per process over the window between two snapshots: "PID TICKS RSS_KB PSS_KB SWITCHES THREADS COMM TITLE". A process
# or thread that appeared during the window counts whole; one that ended in it is lost (an idle daemon forks nothing).
idle_delta() {
  awk 'FNR == NR { if ($1 == "P") t0[$2] = $3; else v0[$2 " " $3] = $4; next }
    $1 == "P" { order[++n] = $2; tk[$2] = $3 - ($2 in t0 ? t0[$2] : 0); rss[$2] = $4; pss[$2] = $5; comm[$2] = $6
                title[$2] = $7; for (i = 8; i <= NF; i++) title[$2] = title[$2] " " $i }
    $1 == "T" { k = $2 " " $3; sw[$2] += $4 - (k in v0 ? v0[k] : 0); th[$2]++ }
    END { for (i = 1; i <= n; i++) { p = order[i]; print p, tk[p], rss[p], pss[p], sw[p] + 0, th[p] + 0, comm[p], title[p] } }' "$1" "$2"
}

sc_idle() {
  stable_pair || { record idle 1 error=unstable; return; }
  local hz; hz=$(getconf CLK_TCK)
  local t0 t1 node l0 d=$OUT/idle.tmp
  mkdir -p "$d"
  # The client's probe (50 echo requests a second to the VIP) is paused over the window: a daemon's raw ICMP socket
  # (its ping node) receives every ICMP packet of the node, so linux1's would wake for each of them (Heartbeat's
  # ping reader: about 40/s more than linux2's in a smoke run). Nothing else changes: the daemons ping their ping
  # node and exchange keepalives as usual. The ping is stopped (SIGSTOP), not ended: the other observers stay
  # registered, so node_pids still leaves them out.
  PAUSED_PING=$(probe_ping_pid)
  [[ -n $PAUSED_PING ]] && kill -STOP "$PAUSED_PING"
  sleep 1
  l0=$(load1)
  for node in linux1 linux2; do idle_snapshot "$node" >"$d/$node.before"; done; t0=$(now)
  sleep "$IDLE_SECONDS"
  for node in linux1 linux2; do idle_snapshot "$node" >"$d/$node.after"; done; t1=$(now)
  local secs; secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  for node in linux1 linux2; do
    local pid ticks rss pss sw th comm title n=0 sticks=0 srss=0 spss=0 ssw=0
    while read -r pid ticks rss pss sw th comm title; do
      record idle_proc 1 node="$node" pid="$pid" comm="$comm" title="$([[ $title == - ]] || echo "$title")" threads="$th" \
        rss_kb="$rss" pss_kb="$pss" cpu_ms="$((ticks * 1000 / hz))" vol_switches="$sw" \
        cpu_pct="$(awk -v c="$((ticks * 1000 / hz))" -v w="$secs" 'BEGIN { printf "%.3f", c / (w * 10) }')" \
        wakeups_per_s="$(awk -v s="$sw" -v w="$secs" 'BEGIN { printf "%.2f", s / w }')" seconds="$secs" load1_start="$l0"
      n=$((n + 1)) sticks=$((sticks + ticks)) srss=$((srss + rss)) spss=$((spss + pss)) ssw=$((ssw + sw))
    done < <(idle_delta "$d/$node.before" "$d/$node.after")
    local cpu_ms=$((sticks * 1000 / hz))
    record idle 1 node="$node" role="$([[ $node == linux1 ]] && echo active || echo standby)" processes="$n" rss_kb="$srss" pss_kb="$spss" \
      cpu_ms="$cpu_ms" seconds="$secs" cpu_pct="$(awk -v c="$cpu_ms" -v w="$secs" 'BEGIN { printf "%.3f", c / (w * 10) }')" \
      vol_switches="$ssw" wakeups_per_s="$(awk -v s="$ssw" -v w="$secs" 'BEGIN { printf "%.2f", s / w }')" load1_start="$l0"
  done
  rm -rf "$d"
  [[ -n $PAUSED_PING ]] && kill -CONT "$PAUSED_PING"
  PAUSED_PING=""
}

probe_ping_pid() {   # the client's ping of the VIP among the lab's observers
  local p
  for p in $(observer_pids); do
    [[ $(cat "/proc/$p/comm" 2>/dev/null) == ping ]] && tr '\0' ' ' <"/proc/$p/cmdline" | grep -q " $VIP" && { echo "$p"; return; }
  done
}

# Wall time (ms) of each of QUERY_CALLS calls of CMD... made on linux1, one per line ("null" for a failed call), taken
# inside the node with bash's EPOCHREALTIME around the call and the reading of its whole output. CHECK: "rc" (the
# call succeeds when it exits 0) or "out=TEXT" (when it prints TEXT). VIGIL_SOCKET is set to SOCK (cl_status).
timed_calls() {
  local check=$1 sock=$2; shift 2
  # shellcheck disable=SC2016 # expanded inside the node
  node_exec linux1 env VIGIL_SOCKET="$sock" bash -c '
      check=$1 n=$2; shift 2
      for i in $(seq "$n"); do
        a=$EPOCHREALTIME; out=$("$@" 2>/dev/null </dev/null); rc=$?; b=$EPOCHREALTIME
        if [[ ($check == rc && $rc == 0) || $check == "out=$out" ]]; then echo "$a $b"; else echo fail; fi
      done' timed "$check" "$QUERY_CALLS" "$@" | awk '$1 == "fail" { print "null"; next } { printf "%.1f\n", ($2 - $1) * 1000 }'
}

# A script's `cl_status nodestatus linux2` on linux1 (monitoring scripts call it often): wall time of each call.
# Vigil's is deploy/bin/cl_status, Heartbeat's its own binary; keepalived has no such query.
sc_query() {
  [[ $LAB_IMPL == keepalived ]] && return 0
  stable_pair || { record query 1 error=unstable; return; }
  local cmd=cl_status sock="" i=0 ms
  [[ $LAB_IMPL == vigil ]] && { cmd=$REPO_ROOT/deploy/bin/cl_status; sock=$(ndir linux1)/run/vigil/vigil.sock; }
  while read -r ms; do
    i=$((i + 1)); record query "$i" value_ms="$ms"
  done < <(timed_calls out=active "$sock" "$cmd" nodestatus linux2)
}

# The operator's `vigil status` on linux1 (the full status: nodes, links, groups, recent transitions), QUERY_CALLS
# times: wall time of each call until it exits 0. Heartbeat has no command that shows as much (`cl_status hbstatus`
# only says whether the daemon runs; its resources need `cl_status rscstatus`, its nodes one call per node), so
# Heartbeat and keepalived are not measured here: their cells read "—".
sc_status_cmd() {
  [[ $LAB_IMPL == vigil ]] || return 0
  stable_pair || { record status_cmd 1 error=unstable; return; }
  local i=0 ms
  # shellcheck disable=SC2086 # VIGIL_CMD may be a command with arguments, as lab.sh runs it
  while read -r ms; do
    i=$((i + 1)); record status_cmd "$i" value_ms="$ms"
  done < <(timed_calls rc "" $VIGIL_CMD status --run-dir "$(ndir linux1)/run/vigil")
}

# ------------------------------------------------------------------------------------------------ stress (all at once)
stress_lab() {   # runs in a subshell: its own lab, waits for the go/end files, reports its counts
  local impl=$1 idx=$2 sync=$3
  export LAB_IMPL=$impl LAB_PROFILE=fast LAB_NS_PREFIX=vl-s$idx- LAB_DIR=/tmp/vigil-stress-$idx
  unset LAB_IMPL_linux1 LAB_IMPL_linux2 LAB_KEEPALIVE LAB_DEADTIME LAB_KA_ADVERT
  lab_init; timeouts
  lab_down >/dev/null 2>&1
  mkdir -p "$LAB_DIR"
  lab_up 2>/dev/null || { echo "error" > "$sync/$impl.ready"; return 1; }
  probe_start
  if ! stable_pair; then echo "error" > "$sync/$impl.ready"; lab_down >/dev/null 2>&1; return 1; fi
  local off; off=$(probe_offset)
  echo ok > "$sync/$impl.ready"
  while [[ ! -e $sync/go ]]; do sleep 0.2; done
  local t0; t0=$(<"$sync/go")
  while [[ ! -e $sync/end ]]; do sleep 0.5; done
  local t1; t1=$(<"$sync/end")
  local moves2 moves1 gap
  moves2=$(vip_events linux2 "$t0" | awk -v b="$t1" '$1 <= b && $2 == "add"' | wc -l)
  moves1=$(vip_events linux1 "$t0" | awk -v b="$t1" '$1 <= b && $2 == "del"' | wc -l)
  gap=$(outage_ms "$t0" "$t1" "$off")
  record stress 1 false_failovers="$moves2" vip_lost_linux1="$moves1" max_gap_ms="$gap" \
    minutes="$STRESS_MINUTES" replies="$(replies_between "$t0" "$t1" "$off" | tr ' ' ',')"
  probe_stop
  lab_down >/dev/null 2>&1
}

sc_stress() {
  local sync=$OUT/stress-sync idx=0 impl pids=()
  rm -rf "$sync"; mkdir -p "$sync"
  IFS=, read -r -a list <<<"$IMPLS"
  for impl in "${list[@]}"; do
    idx=$((idx + 1))
    ( stress_lab "$impl" "$idx" "$sync" ) > "$OUT/stress-$impl.log" 2>&1 &
    pids+=($!)
  done
  local i
  for ((i = 0; i < 600; i++)); do
    [[ $(ls "$sync"/*.ready 2>/dev/null | wc -l) -ge ${#list[@]} ]] && break
    sleep 0.5
  done
  say "stress: $(cd "$sync" && grep -H . ./*.ready | tr '\n' ' '); stress-ng --cpu 2 for $STRESS_MINUTES min"
  now > "$sync/go.tmp"; mv "$sync/go.tmp" "$sync/go"
  stress-ng --cpu 2 --timeout "${STRESS_MINUTES}m" --quiet >"$OUT/stress-ng.log" 2>&1 &
  local sp=$!
  wait "$sp"
  now > "$sync/end.tmp"; mv "$sync/end.tmp" "$sync/end"
  for i in "${pids[@]}"; do wait "$i"; done
}

# ------------------------------------------------------------------------------------------------ one implementation
bench_impl() {   # bench_impl IMPL PROFILE
  export LAB_IMPL=$1 LAB_PROFILE=$2
  unset LAB_IMPL_linux1 LAB_IMPL_linux2 LAB_KEEPALIVE LAB_DEADTIME LAB_KA_ADVERT
  lab_init; timeouts
  say "== $LAB_IMPL, profile $LAB_PROFILE (keepalive $KEEPALIVE, deadtime $DEADTIME$([[ $LAB_IMPL == keepalived ]] && echo ", advert_int $KA_ADVERT"))"
  ( lab_down ) >/dev/null 2>&1
  ( lab_up ) || { say "lab up failed for $LAB_IMPL"; return 1; }
  probe_start
  has cold "$SCENARIOS" && sc_cold
  has crash "$SCENARIOS" && sc_failover crash
  has graceful "$SCENARIOS" && sc_failover graceful
  has standby "$SCENARIOS" && sc_standby
  has idle "$SCENARIOS" && sc_idle
  has query "$SCENARIOS" && sc_query
  { has query "$SCENARIOS" || has status "$SCENARIOS"; } && sc_status_cmd
  stop_both
  probe_stop
  ( lab_down ) >/dev/null 2>&1
  mkdir -p "$OUT/logs"; rm -rf "$OUT/logs/$LAB_IMPL-$LAB_PROFILE"
  cp -a "$LAB_DIR/last-logs" "$OUT/logs/$LAB_IMPL-$LAB_PROFILE" 2>/dev/null   # daemon logs for a post-mortem
}

vigil_usable() {
  if [[ ! -s $VIGIL_JAR && $VIGIL_CMD == "$VIGIL_CMD_DEFAULT" ]]; then
    say "building Vigil"; (cd "$REPO_ROOT" && ./mvnw -B -q package -DskipTests) || return 1
  fi
  LAB_IMPL=vigil lab_aot
  $VIGIL_CMD run --help >/dev/null 2>&1
}

machine_info() {
  {
    echo "date=$(date -u +%FT%TZ)"
    echo "kernel=$(uname -r)"
    echo "os=$(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-?}")"
    echo "cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo) ($(nproc) CPUs)"
    echo "memory=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "heartbeat=$(dpkg-query -W -f '${Version}' heartbeat 2>/dev/null || echo -)"
    echo "keepalived=$(dpkg-query -W -f '${Version}' keepalived 2>/dev/null || echo -)"
    echo "java_on_path=$(java -version 2>&1 | head -1) (Vigil runs on the JDK its launcher picks: see vigil_version)"
    echo "vigil_cmd=${VIGIL_CMD//$REPO_ROOT\//}"   # relative to the repository: no path of this machine in the page
    has vigil "$IMPLS" && echo "vigil_version=$($VIGIL_CMD version 2>/dev/null | head -1)"
    echo "vigil_commit=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo -)"
    echo "settings=RUNS=$RUNS PROFILES=$PROFILES IMPLS=$IMPLS SCENARIOS=$SCENARIOS STRESS_MINUTES=$STRESS_MINUTES IDLE_SECONDS=$IDLE_SECONDS probe=$PROBE_INTERVAL s"
  } > "$OUT/machine.txt"
}

bench_main() {
  mkdir -p "$OUT" "$DOCS"
  if [[ ${BENCH_RENDER_ONLY:-0} == 1 ]]; then "$BENCH_DIR/render.sh" "$OUT" "$DOCS"; return; fi
  need_root
  local pkgs=(ip:iproute2 tcpdump:tcpdump ping:iputils-ping stress-ng:stress-ng gnuplot:gnuplot-nox)
  has heartbeat "$IMPLS" && pkgs+=("$HB_DAEMON:heartbeat" ifconfig:net-tools)
  has keepalived "$IMPLS" && pkgs+=(keepalived:keepalived)
  mkdir -p "$LAB_DIR"; ensure_pkgs "${pkgs[@]}"
  [[ -s $RAW ]] && mv "$RAW" "$OUT/results-$(date -u +%Y%m%dT%H%M%S).jsonl"
  : > "$RAW"
  local keep=() impl
  IFS=, read -r -a list <<<"$IMPLS"
  for impl in "${list[@]}"; do
    if [[ $impl == vigil ]] && ! vigil_usable; then
      say "vigil is not measured: '$VIGIL_CMD run --help' fails (daemon not built or not written yet)"
      LAB_IMPL=vigil; LAB_PROFILE=tutorial; lab_init
      record unavailable 0 note="vigil run is not available in this build"
      continue
    fi
    keep+=("$impl")
  done
  IMPLS=$(IFS=,; echo "${keep[*]}")
  lab_init
  machine_info
  local started; started=$(now)
  trap 'stop_cleanup' EXIT
  trap 'exit 130' INT TERM
  local profile
  IFS=, read -r -a profs <<<"$PROFILES"
  for profile in "${profs[@]}"; do
    for impl in "${keep[@]}"; do bench_impl "$impl" "$profile"; done
  done
  if has stress "$SCENARIOS" && [[ ${#keep[@]} -gt 0 ]]; then sc_stress; fi
  echo "duration_min=$(awk -v a="$started" -v b="$(now)" 'BEGIN { printf "%.1f", (b - a) / 60 }')" >> "$OUT/machine.txt"
  trap - EXIT
  "$BENCH_DIR/render.sh" "$OUT" "$DOCS"
}

stop_cleanup() {   # leave no lab behind, whatever happened
  local i
  [[ -n ${PAUSED_PING:-} ]] && kill -CONT "$PAUSED_PING" 2>/dev/null   # a stopped ping would not end on SIGTERM
  ( lab_init; probe_stop; lab_down ) >/dev/null 2>&1
  for i in 1 2 3; do ( export LAB_NS_PREFIX=vl-s$i- LAB_DIR=/tmp/vigil-stress-$i; lab_init; probe_stop; lab_down ) >/dev/null 2>&1; done
}

bench_main "$@"
