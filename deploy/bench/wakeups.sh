#!/usr/bin/env bash
# wakeups.sh - wake-ups per second of an idle Vigil daemon: the lab's stable pair (linux1 holding the VIP), the
# context switches (voluntary + non-voluntary, /proc/<pid>/task/*/status) of every thread of linux1's JVM over a
# window, per second, in total and per thread name. Run as root, under the lab lock when other runs may share the
# machine:  flock /tmp/vigil-ns.lock deploy/bench/wakeups.sh
#
# Knobs: LAB_PROFILE=tutorial|fast (default tutorial), WAKEUPS_SETTLE=20 (s after both nodes are up),
#        WAKEUPS_WINDOW=60 (s), and the lab's LAB_NS_PREFIX / LAB_DIR (use your own when others run labs).
set -uo pipefail
LAB=$(cd "$(dirname "${BASH_SOURCE[0]}")/../lab" && pwd)/lab.sh
SETTLE=${WAKEUPS_SETTLE:-20}
WINDOW=${WAKEUPS_WINDOW:-60}
export LAB_PROFILE=${LAB_PROFILE:-tutorial} LAB_IMPL=vigil
# A lab directory of its own (lab.sh's default is made afresh with mktemp and found again through /run).
export LAB_DIR=${LAB_DIR:-$(mktemp -d /tmp/vigil-wakeups.XXXXXX)}

[[ $(id -u) == 0 ]] || { echo "wakeups: needs root (network namespaces)" >&2; exit 1; }
trap '"$LAB" down >/dev/null 2>&1; rm -rf "$LAB_DIR"' EXIT
"$LAB" down >/dev/null 2>&1
"$LAB" up >/dev/null || exit 1
"$LAB" start all >/dev/null || exit 1
"$LAB" wait-vip linux1 60 >/dev/null || { echo "wakeups: the VIP never settled on linux1" >&2; exit 1; }
sleep "$SETTLE"
dir=$LAB_DIR/linux1
pid=$(<"$dir/daemon.pid")

# thread id -> "name switches"
sample() {
  local t
  for t in /proc/"$pid"/task/*; do
    awk -v tid="${t##*/}" -v name="$(tr ' ' '_' < "$t/comm")" \
      '/^(non)?voluntary_ctxt_switches/ { n += $2 } END { print tid, name, n }' "$t/status" 2>/dev/null
  done
}
sample > "$dir/wakeups.before"
sleep "$WINDOW"
sample > "$dir/wakeups.after"
"$LAB" status >/dev/null 2>&1
echo "profile $LAB_PROFILE, linux1 JVM (pid $pid), $(wc -l < "$dir/wakeups.after") threads, ${WINDOW} s window:"
awk -v w="$WINDOW" 'NR == FNR { before[$1] = $3; next }
  { d = $3 - ($1 in before ? before[$1] : 0); per[$2] += d; total += d }
  END {
    printf "  total %.2f wake-ups/s\n", total / w
    for (n in per) if (per[n] > 0) printf "  %8.2f/s  %s\n", per[n] / w, n
  }' "$dir/wakeups.before" "$dir/wakeups.after" | sort -k1,1 -r -g | sed -n '1,40p'
