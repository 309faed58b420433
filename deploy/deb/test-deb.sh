#!/bin/bash
# Proves the .deb on this Debian 12 machine without changing it: the whole check runs in a private mount namespace
# where /etc, /usr and /var are overlays (changes go to a tmpfs and vanish at exit). In there it plays a migration
# from Heartbeat: dpkg -i of the package removes heartbeat by itself (Conflicts + Replaces; its conffiles and the
# user's /etc/ha.d stay byte for byte), the installed commands are run (cl_status also as
# an unprivileged member of haclient), the systemd unit is enabled offline (Alias heartbeat.service), the installed
# daemon runs in a throwaway network namespace and stops, and the package is removed and purged.
# Root only.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "test-deb: must run as root (dpkg -i, network namespaces)" >&2; exit 1; }

if [ -z "${VIGIL_DEB_SANDBOX:-}" ]; then
    deb=$(deploy/deb/build-deb.sh)
    echo "test-deb: built $deb ($(du -h "$deb" | cut -f1))"
    exec unshare --mount --propagation private env VIGIL_DEB_SANDBOX=1 VIGIL_DEB="$deb" "$0" "$@"
fi

deb=$VIGIL_DEB
layers=$(mktemp -d /tmp/vigil-deb-overlay.XXXXXX)
mount -t tmpfs tmpfs "$layers"
for d in etc usr var; do
    mkdir -p "$layers/$d/upper" "$layers/$d/work"
    mount -t overlay overlay -o "lowerdir=/$d,upperdir=$layers/$d/upper,workdir=$layers/$d/work" "/$d"
done
echo "test-deb: sandbox: /etc, /usr and /var are overlays; nothing here reaches the host"

ns=vdeb-node; peer=vdeb-peer; work=$(mktemp -d /tmp/vigil-deb.XXXXXX)
chmod 711 "$work"   # an unprivileged haclient member must reach the daemon's run directory below
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    # every process left in the two namespaces was started here (daemons, a guardian's handover watch, ping)
    for p in $(ip netns pids "$ns" 2>/dev/null) $(ip netns pids "$peer" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
    ip netns del "$peer" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "test-deb: FAIL: $*" >&2; exit 1; }
check() { echo "test-deb: ok: $*"; }

# --- the control fields the migration relies on
fields=$(dpkg-deb -f "$deb" Conflicts Replaces Recommends)
grep -q '^Conflicts: heartbeat$' <<<"$fields" && grep -q '^Replaces: heartbeat$' <<<"$fields" \
    && grep -q '^Recommends: .*resource-agents' <<<"$fields" || fail "control fields: $fields"
check "Conflicts/Replaces heartbeat, Recommends resource-agents"

# --- a user's Heartbeat installation: the tutorial's files in /etc/ha.d (next to the package's own files).
# Installing vigil over it removes heartbeat (Conflicts + Replaces: dpkg does it by itself) and keeps /etc/ha.d.
replacing=0
if dpkg-query -W -f='${Status}' heartbeat 2>/dev/null | grep -q "install ok installed"; then
    replacing=1
    mkdir -p /etc/ha.d
    cp deploy/examples/tutorial/{ha.cf,authkeys,haresources} /etc/ha.d/
    chmod 600 /etc/ha.d/authkeys
    before=$(cat /etc/ha.d/ha.cf /etc/ha.d/authkeys /etc/ha.d/haresources /etc/ha.d/resource.d/* | md5sum)
    # the package must create the group itself, unless it is a user's primary group (pacemaker's hacluster)
    gid=$(getent group haclient | cut -d: -f3)
    if [ -n "$gid" ] && ! getent passwd | awk -F: -v g="$gid" '$4 == g { f = 1 } END { exit !f }'; then
        groupdel haclient
    fi
fi
out=$(dpkg -i "$deb" 2>&1) || fail "dpkg -i $deb: $out"
check "dpkg -i"
if [ "$replacing" = 1 ]; then
    grep -q "will remove heartbeat in favour of vigil" <<<"$out" || fail "dpkg -i did not replace heartbeat: $out"
    # removed, configuration kept: status config-files (its selection may stay "install")
    dpkg-query -W -f='${Status}' heartbeat | grep -q " ok config-files$" \
        || fail "heartbeat is $(dpkg-query -W -f='${Status}' heartbeat), not removed with its configuration kept"
    [ "$(cat /etc/ha.d/ha.cf /etc/ha.d/authkeys /etc/ha.d/haresources /etc/ha.d/resource.d/* | md5sum)" = "$before" ] \
        || fail "the user's /etc/ha.d changed when vigil replaced heartbeat"
    [ ! -e /usr/libexec/heartbeat/heartbeat ] || [ "$(readlink -f /usr/libexec/heartbeat/heartbeat)" = /usr/lib/vigil/bin/heartbeat ] \
        || fail "heartbeat's daemon is still there"
    check "dpkg -i replaced heartbeat (removed, configuration kept); /etc/ha.d unchanged byte for byte"
fi
for f in /usr/bin/vigil /usr/bin/cl_status /usr/sbin/hb_standby /usr/sbin/hb_takeover /usr/share/heartbeat/hb_standby \
         /usr/share/heartbeat/hb_takeover /usr/libexec/heartbeat/heartbeat /lib/systemd/system/vigil.service \
         /usr/lib/vigil/quarkus-app/quarkus-run.jar /usr/lib/vigil/resource.d/Dummy /usr/lib/vigil/resource.d/IPsrcaddr \
         /usr/lib/vigil/resource.d/portblock /usr/lib/vigil/bin/vigil-release-addresses /usr/lib/vigil/bin/vigil-client \
         /usr/share/doc/vigil/examples/tutorial/ha.cf; do
    [ -e "$f" ] || fail "$f not installed"
done
[ "$(dpkg -S /usr/bin/cl_status)" = "vigil: /usr/bin/cl_status" ] || fail "/usr/bin/cl_status: $(dpkg -S /usr/bin/cl_status)"
check "files in place (cl_status in /usr/bin, hb_standby/hb_takeover in /usr/share/heartbeat, heartbeat in /usr/libexec/heartbeat)"
getent group haclient >/dev/null || fail "postinst did not create group haclient"
check "group haclient created"

# Man pages (generated from the picocli model, and the Heartbeat commands' and files'), found by man-db.
for page in vigil vigil-run vigil-status vigil-standby vigil-takeover vigil-resource-check; do
    man -w 8 "$page" 2>/dev/null | grep -q "^/usr/share/man/man8/$page.8.gz$" || fail "man -w 8 $page"
done
man -w 8 cl_status | grep -q '^/usr/share/man/man8/cl_status.8.gz$' || fail "man -w 8 cl_status"
for page in hb_standby hb_takeover; do man -w 8 "$page" | grep -q "man8/$page.8.gz" || fail "man -w 8 $page"; done
man -w 5vigil ha.cf | grep -q '^/usr/share/man/man5/ha.cf.5vigil.gz$' || fail "man -w 5vigil ha.cf"
man -w 5vigil authkeys | grep -q 'authkeys.5vigil.gz' || fail "man -w 5vigil authkeys"
man -w haresources | grep -q '^/usr/share/man/man5/haresources.5.gz$' || fail "man -w haresources"
MANWIDTH=80 man -P cat 8 vigil-status 2>/dev/null | grep -q -- '--watch' || fail "man vigil-status shows --watch"
check "man pages: vigil(8) and its sub-commands, cl_status(8), hb_standby(8), hb_takeover(8), ha.cf(5vigil), haresources(5)"

# Bash completion, loaded on demand by bash-completion as an interactive shell would.
completes() {  # completes <command words...>: prints the candidates for the last word
    bash -c '. /usr/share/bash-completion/bash_completion; _completion_loader "$1"
             COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
             fn=$(complete -p "$1" | sed -n "s/.*-F \([^ ]*\).*/\1/p"); "$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null
             echo "${COMPREPLY[*]}"' completes "$@"
}
[ "$(completes vigil sta)" = "status standby" ] || fail "completion: vigil sta -> '$(completes vigil sta)'"
completes vigil status --w | grep -q -- '--watch' || fail "completion: vigil status --w"
[ "$(completes hb_takeover fo)" = "foreign" ] || fail "completion: hb_takeover fo"
completes cl_status rsc | grep -q rscstatus || fail "completion: cl_status rsc"
check "bash completion loads and completes vigil, cl_status, hb_standby, hb_takeover"

# logrotate: Heartbeat's rule for /var/log/ha-log wins while it exists (two rules for one file are an error).
logrotate -d /usr/share/vigil/logrotate >/dev/null 2>&1 || fail "logrotate -d /usr/share/vigil/logrotate"
if [ -e /etc/logrotate.d/heartbeat ]; then
    [ ! -e /etc/logrotate.d/vigil ] || fail "/etc/logrotate.d/vigil installed beside Heartbeat's rule for the same files"
    check "logrotate: heartbeat's rule present, vigil's not installed beside it"
else
    cmp -s /usr/share/vigil/logrotate /etc/logrotate.d/vigil || fail "/etc/logrotate.d/vigil not installed"
    check "logrotate: /etc/logrotate.d/vigil installed"
fi
if logrotate -d /etc/logrotate.conf 2>&1 | grep -q 'duplicate log entry for /var/log/ha-'; then
    fail "logrotate -d /etc/logrotate.conf: a duplicate rule for /var/log/ha-log"
fi
check "logrotate -d /etc/logrotate.conf: no duplicate rule for Vigil's log files"
vigil version | grep -q '^vigil ' || fail "vigil version"
check "vigil version: $(vigil version)"
set +e; out=$(VIGIL_RUN_DIR="$work/run" /usr/bin/cl_status hbstatus); rc=$?; set -e
[ "$rc" = 1 ] && [ "$out" = "Heartbeat is stopped on this machine." ] || fail "cl_status hbstatus without daemon: rc=$rc '$out'"
check "cl_status hbstatus (stopped) -> exit 1"
set +e; out=$(VIGIL_RUN_DIR="$work/run" /usr/libexec/heartbeat/heartbeat -s); rc=$?; set -e
[ "$rc" = 3 ] && [ "$out" = "heartbeat is stopped. No process" ] || fail "heartbeat -s without daemon: rc=$rc '$out'"
check "heartbeat -s (stopped) -> exit 3"

# systemd: the unit, enabled offline as deb-systemd-helper would, carries the heartbeat.service alias
if command -v systemctl >/dev/null 2>&1; then
    systemctl --root=/ enable vigil.service >/dev/null 2>&1 || fail "systemctl --root=/ enable vigil.service"
    [ "$(readlink -f /etc/systemd/system/heartbeat.service)" = /usr/lib/systemd/system/vigil.service ] \
        || fail "heartbeat.service alias: $(ls -l /etc/systemd/system/heartbeat.service 2>&1)"
    check "systemctl enable vigil: heartbeat.service -> vigil.service (service heartbeat ... reaches Vigil)"
fi
if command -v systemd-analyze >/dev/null 2>&1; then
    systemd-analyze verify /lib/systemd/system/vigil.service 2>&1 | grep -v -e 'man:vigil' -e '^$' || true
fi

# The installed daemon, alone on a two-namespace link, with the tutorial's files (own node name linux1).
ip netns add "$ns"; ip netns add "$peer"
ip -n "$ns" link set lo up
ip -n "$ns" link add eth0 type veth peer name eth0 netns "$peer"
ip -n "$ns" addr add 192.0.2.11/24 brd + dev eth0; ip -n "$ns" link set eth0 up
ip -n "$peer" addr add 192.0.2.1/24 brd + dev eth0; ip -n "$peer" link set eth0 up
mkdir -p "$work/ha.d"
cp /usr/share/doc/vigil/examples/tutorial/{ha.cf,authkeys,haresources} "$work/ha.d/"
chmod 600 "$work/ha.d/authkeys"
sed -i "s|^logfile .*|logfile $work/ha-log|; s|^keepalive .*|keepalive 200ms|; s|^deadtime .*|deadtime 1|" "$work/ha.d/ha.cf"
echo "initdead 2" >> "$work/ha.d/ha.cf"
ip netns exec "$ns" /usr/bin/vigil run --config-dir "$work/ha.d" --node-name linux1 --run-dir "$work/run" \
    --state-dir "$work/state" > "$work/daemon.out" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
    ip -n "$ns" -o addr show dev eth0 | grep -q ' 192.0.2.253/' && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/daemon.out"; fail "the installed daemon exited"; }
    sleep 0.5
done
ip -n "$ns" -o addr show dev eth0 | grep -q ' 192.0.2.253/24 .* eth0:0' || { cat "$work/daemon.out"; fail "VIP not up as eth0:0"; }
check "installed daemon started and holds 192.0.2.253 as eth0:0"
out=$(VIGIL_RUN_DIR="$work/run" ip netns exec "$ns" /usr/bin/cl_status hbstatus) || fail "cl_status hbstatus (running): $out"
check "cl_status hbstatus: $out"
rsc=$(VIGIL_RUN_DIR="$work/run" /usr/bin/cl_status rscstatus) || true
# The node holds its own group: "local" ("all" once it has taken over the dead peer's foreign groups).
case $rsc in local|all) ;; *) fail "cl_status rscstatus is '$rsc', not local/all";; esac
check "cl_status rscstatus: $rsc"
# The installed `vigil status` answers through the shell relay: the daemon's table, no JVM (VIGIL_JAVA would fail).
out=$(VIGIL_JAVA=/bin/false /usr/bin/vigil status --run-dir "$work/run") || fail "vigil status (relay): $out"
echo "$out" | grep -q '^vigil .* on linux1: ' || fail "vigil status (relay) printed: $out"
check "vigil status answers through vigil-client (no JVM)"
page=$(ip netns exec "$ns" curl -s -m 5 http://127.0.0.1:9694/) || fail "status page: curl"
echo "$page" | grep -q '<title>Vigil</title>' || fail "status page not served on the metrics address"
view=$(ip netns exec "$ns" curl -s -m 5 http://127.0.0.1:9694/view.json)
echo "$view" | grep -q '"node" *: *"linux1"' || fail "status page view.json: $view"
check "status page and its view served on 127.0.0.1:9694"
haclient=$(getent group haclient | cut -d: -f3)
set +e
member=$(VIGIL_RUN_DIR="$work/run" setpriv --reuid=65534 --regid=65534 --groups="$haclient" /usr/bin/cl_status nodestatus linux1 2>&1)
member_rc=$?
outsider=$(VIGIL_RUN_DIR="$work/run" setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/cl_status nodestatus linux1 2>&1)
outsider_rc=$?
standby=$(VIGIL_RUN_DIR="$work/run" setpriv --reuid=65534 --regid=65534 --groups="$haclient" /usr/share/heartbeat/hb_standby 2>&1)
standby_rc=$?
set -e
[ "$member_rc" = 0 ] && [ "$member" = active ] || fail "cl_status as a haclient member: rc=$member_rc '$member'"
[ "$outsider_rc" = 1 ] && grep -q "Cannot signon with heartbeat" <<<"$outsider" || fail "cl_status as an outsider: rc=$outsider_rc '$outsider'"
[ "$standby_rc" = 1 ] && grep -q "need root" <<<"$standby" || fail "hb_standby as a haclient member: rc=$standby_rc '$standby'"
check "uid 65534 in haclient: cl_status answers, hb_standby refused; outside haclient: cl_status refused"
out=$(VIGIL_RUN_DIR="$work/run" /usr/libexec/heartbeat/heartbeat -s) || fail "heartbeat -s (running): $out"
grep -q "^heartbeat OK \[pid $pid et al\] is running on .* \[linux1\]\.\.\.$" <<<"$out" || fail "heartbeat -s: '$out'"
check "heartbeat -s: $out"
VIGIL_RUN_DIR="$work/run" /usr/libexec/heartbeat/heartbeat -k || fail "heartbeat -k"
set +e; wait "$pid"; rc=$?; set -e; pid=""
[ "$rc" = 0 ] || { cat "$work/daemon.out"; fail "heartbeat -k: daemon exit code $rc (want 0)"; }
ip -n "$ns" -o addr show dev eth0 | grep -q ' 192.0.2.253/' && fail "VIP still up after heartbeat -k"
check "heartbeat -k: graceful stop, exit 0, VIP released"

# --- An upgrade that moves nothing (issue 15): two installed daemons, linux1 here holding 192.0.2.253 and linux2 in
# the peer namespace (keepalive 0.5 s, deadtime 60 s: the window covers dpkg's unpack and a JVM start on a busy
# machine). `dpkg -i` of the same package runs prerm `upgrade` (`vigil stop --keep-resources`: linux1's daemon exits
# leaving the VIP up) and postinst; then linux1's daemon is started again, as postinst's `systemctl start` does under
# systemd (there is no systemd here), and adopts the VIP. The peer pings the VIP every 20 ms throughout, and whether
# linux1 holds it is sampled every 50 ms. VIGIL_RUN_DIR points the maintainer scripts at this test's daemon only.
ip -n "$peer" link set lo up   # linux2's daemon serves its metrics on 127.0.0.1
ip -n "$peer" addr add 192.0.2.12/24 brd + dev eth0
for n in 1 2; do
    d="$work/up$n"; mkdir -p "$d/ha.d"
    cp /usr/share/doc/vigil/examples/tutorial/{ha.cf,authkeys,haresources} "$d/ha.d/"
    chmod 600 "$d/ha.d/authkeys"
    sed -i "s|^logfile .*|logfile $d/ha-log|; s|^keepalive .*|keepalive 500ms|; s|^deadtime .*|deadtime 60|" "$d/ha.d/ha.cf"
    printf 'warntime 20\ninitdead 120\n' >> "$d/ha.d/ha.cf"
done
start_node() {  # start_node <1|2> <namespace>: the daemon's pid in $started (a child of this shell: wait works)
    ip netns exec "$2" /usr/bin/vigil run --config-dir "$work/up$1/ha.d" --node-name "linux$1" \
        --run-dir "$work/up$1/run" --state-dir "$work/up$1/state" >> "$work/up$1/daemon.out" 2>&1 &
    started=$!
}
await_log() {  # await_log <1|2> <text> <seconds>
    for _ in $(seq 1 $(($3 * 5))); do grep -q "$2" "$work/up$1/daemon.out" && return 0; sleep 0.2; done
    tail -n 30 "$work/up1/daemon.out" "$work/up2/daemon.out"; fail "linux$1 did not log '$2' within $3 s"
}
start_node 1 "$ns"; pid=$started
start_node 2 "$peer"
await_log 1 "Initial resource acquisition complete" 180
await_log 2 "Initial resource acquisition complete" 180
ip -n "$ns" -o addr show dev eth0 | grep -q ' 192.0.2.253/' || fail "linux1 does not hold the VIP before the upgrade"
ip netns exec "$peer" stdbuf -oL ping -n -i 0.02 192.0.2.253 > "$work/ping.out" 2>&1 &
pinger=$!
holds() {  # 1 / 0, or ? when ip itself failed (it did, now and then, for both namespaces at once on a loaded host)
    a=$(ip -n "$1" -o addr show dev eth0 2>/dev/null) || { echo "?"; return; }
    case $a in *" 192.0.2.253/"*) echo 1 ;; *) echo 0 ;; esac
}
# "<ms> <linux1 holds> <linux2 holds>": linux2 must never hold it (then the ping, sent from its namespace, is real)
( while :; do echo "$(date +%s%3N) $(holds "$ns") $(holds "$peer")"; sleep 0.05; done ) > "$work/held.out" &
sampler=$!
sleep 1
t0=$(date +%s%N)
out=$(VIGIL_RUN_DIR="$work/up1/run" dpkg -i "$deb" 2>&1) || fail "dpkg -i over the installed package: $out"
t_dpkg=$(date +%s%N)
set +e; wait "$pid"; rc=$?; set -e
[ "$rc" = 0 ] || fail "prerm upgrade: linux1's daemon exit code $rc (want 0, a keeping stop): $out"
grep -q "resource groups kept running" <<<"$out" || fail "prerm upgrade did not stop the daemon keeping its groups: $out"
start_node 1 "$ns"; pid=$started
await_log 1 "is running here from before the restart: adopted" 120
t_adopt=$(date +%s%N)
sleep 2
kill "$sampler"; kill -INT "$pinger"; wait "$pinger" 2>/dev/null || true
read -r sent lost < <(grep -o 'icmp_seq=[0-9]*' "$work/ping.out" | cut -d= -f2 | sort -n | uniq \
    | awk 'NR == 1 { lo = $1 } { hi = $1; n++ } END { print hi - lo + 1, hi - lo + 1 - n }')
dropped=$(awk '$2 == 0 || $3 == 1' "$work/held.out" | wc -l)
unknown=$(awk '$2 == "?" || $3 == "?"' "$work/held.out" | wc -l)
echo "test-deb: upgrade: dpkg -i took $(( (t_dpkg - t0) / 1000000 )) ms, linux1 adopted the VIP $(( (t_adopt - t_dpkg) / 1000000 )) ms later;" \
    "client (linux2's namespace, ping -i 0.02): $lost of $sent probes lost; VIP off linux1 or on linux2 in $dropped of $(wc -l < "$work/held.out") samples (every 50 ms; $unknown unreadable)"
if [ "$dropped" != 0 ]; then
    t0ms=$((t0 / 1000000))
    awk -v t0="$t0ms" '$2 == 0 || $3 == 1 { printf "  at %+d ms from dpkg -i: linux1 %s, linux2 %s\n", $1 - t0, $2, $3 }' "$work/held.out" | head -20
    tail -n 40 "$work/up1/daemon.out" "$work/up2/daemon.out"
    fail "the VIP left linux1 during the upgrade (samples above: 1 = holds it)"
fi
[ "$lost" = 0 ] || fail "$lost probes lost during the upgrade"
grep -q "Running IPaddr 192.0.2.253 start" <(sed -n '/is running here from before the restart/,$p' "$work/up1/daemon.out") \
    && fail "the new daemon ran the VIP's start script again"
check "dpkg -i over a running daemon: prerm kept the VIP up, the new daemon adopted it; nothing moved, no probe lost"

# Removal releases everything: prerm `remove` stops a running daemon the plain way (VIP released).
VIGIL_RUN_DIR="$work/up2/run" /usr/bin/vigil stop >/dev/null || fail "vigil stop (linux2)"
out=$(VIGIL_RUN_DIR="$work/up1/run" dpkg -r vigil 2>&1) || fail "dpkg -r: $out"
set +e; wait "$pid"; rc=$?; set -e; pid=""
[ "$rc" = 0 ] || fail "dpkg -r: linux1's daemon exit code $rc (want 0)"
ip -n "$ns" -o addr show dev eth0 | grep -q ' 192.0.2.253/' && fail "VIP still up after dpkg -r"
check "dpkg -r with the daemon running: it stopped releasing the VIP"
[ ! -e /usr/bin/vigil ] && [ ! -e /usr/bin/cl_status ] && [ ! -e /usr/lib/vigil/quarkus-app ] \
    && [ ! -e /usr/share/man/man8/vigil.8.gz ] && [ ! -e /usr/share/bash-completion/completions/vigil ] || fail "files left after dpkg -r"
VIGIL_RUN_DIR="$work/run" dpkg -P vigil >/dev/null || fail "dpkg -P"
check "dpkg -r and -P leave nothing behind"
echo "test-deb: all checks passed"
