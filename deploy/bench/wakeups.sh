#!/usr/bin/env bash
# wakeups.sh - wake-ups per second and memory of an idle Vigil node: the lab's stable pair (linux1 holding the VIP),
# the context switches of every thread of linux1's processes (the JVM and its guardian) over a window, per second, in
# total and per thread (/proc/<pid>/task/*/status: a voluntary switch is a wake-up, the thread slept; involuntary ones
# are preemptions and follow the machine's load); then RSS and PSS per process (/proc/<pid>/smaps_rollup). Run as
# root, under the lab lock when other runs may share the machine:
#   flock /tmp/vigil-ns.lock deploy/bench/wakeups.sh [VARIANT...]
# With arguments, linux1 is measured once as the launcher runs it, then restarted once per argument, each measured the
# same way. A VARIANT is JVM options added to the launcher's (VIGIL_JAVA_OPTS; a later -XX flag overrides the
# launcher's), or NAME=VALUE for an environment variable of the daemon (e.g. MALLOC_ARENA_MAX=2).
#
# Knobs: LAB_PROFILE=tutorial|fast (default tutorial), WAKEUPS_SETTLE=20 (s after linux1 holds the VIP),
#        WAKEUPS_WINDOW=60 (s), and the lab's LAB_NS_PREFIX (default wk-) / LAB_DIR (default: a fresh directory);
#        VIGIL_JAVA picks the JDK (the launcher's choice otherwise).
set -uo pipefail
LAB=$(cd "$(dirname "${BASH_SOURCE[0]}")/../lab" && pwd)/lab.sh
SETTLE=${WAKEUPS_SETTLE:-20}
WINDOW=${WAKEUPS_WINDOW:-60}
export LAB_PROFILE=${LAB_PROFILE:-tutorial} LAB_IMPL=vigil LAB_NS_PREFIX=${LAB_NS_PREFIX:-wk-}
# A lab directory of its own (lab.sh's default is made afresh with mktemp and found again through /run).
export LAB_DIR=${LAB_DIR:-$(mktemp -d /tmp/vigil-wakeups.XXXXXX)}

[[ $(id -u) == 0 ]] || { echo "wakeups: needs root (network namespaces)" >&2; exit 1; }
trap '"$LAB" down >/dev/null 2>&1; rm -rf "$LAB_DIR"' EXIT
"$LAB" down >/dev/null 2>&1
"$LAB" up >/dev/null || exit 1
"$LAB" start all >/dev/null || exit 1
dir=$LAB_DIR/linux1

# The JVM and every process below it (the guardian).
tree() { local p=$1 c; echo "$p"; for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do tree "$c"; done; }

# "pid tid name switches" for every thread of the given processes; the JVM's threads named in full (jcmd) when known.
sample() {
  local p t
  for p in "$@"; do
    for t in /proc/"$p"/task/*; do
      awk -v pid="$p" -v tid="${t##*/}" -v name="$(tr ' ' '_' < "$t/comm" 2>/dev/null)" \
        '/^voluntary_ctxt_switches/ { v = $2 } /^nonvoluntary_ctxt_switches/ { n = $2 } END { print pid, tid, name, v, n }' \
        "$t/status" 2>/dev/null
    done
  done
}

measure() {
  local label=$1 pid procs
  "$LAB" wait-vip linux1 60 >/dev/null || { echo "wakeups: the VIP never settled on linux1" >&2; return 1; }
  sleep "$SETTLE"
  pid=$(<"$dir/daemon.pid")
  mapfile -t procs < <(tree "$pid")
  sample "${procs[@]}" > "$dir/wakeups.before"
  sleep "$WINDOW"
  sample "${procs[@]}" > "$dir/wakeups.after"
  # full thread names: "tid name" (the kernel keeps 15 characters; all event loops would read "vert.x-eventloo")
  if command -v jcmd >/dev/null; then
    jcmd "$pid" Thread.print 2>/dev/null | sed -n 's/^"\([^"]*\)".* nid=\(0x[0-9a-f]*\|[0-9]*\).*/\2 \1/p' \
      | while read -r nid name; do echo "$((nid)) ${name// /_}"; done > "$dir/wakeups.names"
  fi
  : >> "$dir/wakeups.names"
  echo "== $label: profile $LAB_PROFILE, linux1's processes ${procs[*]} (JVM $pid), $(wc -l < "$dir/wakeups.after") threads, ${WINDOW} s window from ${SETTLE} s after linux1 held the VIP; load $(cut -d' ' -f1-3 /proc/loadavg)"
  # a wake-up is a voluntary switch (the thread slept); involuntary ones (preempted) depend on the machine's load
  awk -v w="$WINDOW" -v jvm="$pid" 'FILENAME ~ /names$/ { full[$1] = $2; next }
    FILENAME ~ /before$/ { bv[$2] = $4; bn[$2] = $5; next }
    { v = $4 - ($2 in bv ? bv[$2] : 0); n = $5 - ($2 in bn ? bn[$2] : 0); tv += v; tn += n
      name = ($1 == jvm ? "" : "pid" $1 ":") ($2 in full ? full[$2] : $3)
      sub(/-[0-9]+$/, "-N", name); per[name] += v; inv[name] += n }
    END {
      printf "  %8.2f/s  total wake-ups (voluntary switches); involuntary %.2f/s\n", tv / w, tn / w
      for (x in per) if (per[x] + inv[x] > 0) printf "  %8.2f/s  %s (involuntary %.2f/s)\n", per[x] / w, x, inv[x] / w
    }' "$dir/wakeups.names" "$dir/wakeups.before" "$dir/wakeups.after" | sort -k1,1 -r -g | sed -n '1,40p'
  local p
  for p in "${procs[@]}"; do
    awk -v p="$p" -v cmd="$(tr '\0\n' '  ' < /proc/"$p"/cmdline | cut -c1-60)" '/^Rss:/ { r = $2 } /^Pss:/ { s = $2 }
      END { printf "  pid %s RSS %.1f MB PSS %.1f MB  %s\n", p, r / 1024, s / 1024, cmd }' /proc/"$p"/smaps_rollup 2>/dev/null
  done
}

measure "launcher's flags" || exit 1
for variant in "$@"; do
  "$LAB" stop linux1 >/dev/null
  if [[ $variant =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then
    env "$variant" "$LAB" start linux1 >/dev/null || exit 1
  else
    VIGIL_JAVA_OPTS=$variant "$LAB" start linux1 >/dev/null || exit 1
  fi
  measure "+ $variant" || exit 1
done
"$LAB" status >/dev/null 2>&1
