# scenarios.sh - what only real machines show, each a scenario of the VM lab; sourced by vmlab.sh.
#
# Each scenario starts from the steady state (lab up, package installed, vigil running on both, the VIP on
# linux1), prints what it does and sees, and ends with one line:
#   RESULT <name>: PASS|FAIL|GAP|SKIP - <what was measured or why>
# GAP = the scenario ran and showed a known shortcoming of today's Vigil, named with the issue that addresses it
# (fails only with VMLAB_STRICT=1); SKIP = the feature it exercises does not exist yet (the issue is named).
# Every scenario puts the lab back into the steady state, also after a failure, so the next one can run.

# In this order each starts from the state the previous one left, with as few daemon restarts as possible (a JVM
# starting in an emulated guest takes minutes): the ones that need issue 13 first (skipped quickly until it lands),
# fencing last (its clean-up is skipped when it ends `make test-vm`).
SCENARIOS=(reboot watchdog-kernel watchdog-systemd remove-purge upgrade fence)
RESTORE=1   # 0: the scenario may leave its configuration behind (the lab is taken down next)
RESULTS=$VMLAB_DIR/results.txt

result() {   # result NAME STATUS MESSAGE
  echo "RESULT $1: $2 - $3" | tee -a "$RESULTS"
}

# ------------------------------------------------------------------------------------------------ shared steps
lab_is_up() { qemu_pid linux1 >/dev/null && qemu_pid linux2 >/dev/null && ns_exists "$NS_CLIENT"; }

# The steady state: both VMs on, vigil active on both with the tutorial's files, the VIP answering from linux1.
# A cluster that does not get there (seen: a failback left stuck in "transition" after a false dead declaration)
# is restarted once, said on the console, so the next scenario starts clean.
steady() {
  steady_once && return 0
  say "no steady state: restarting vigil on both nodes once (a VM that was fenced meanwhile is powered on first)"
  local n
  for n in "${NODES[@]}"; do qemu_pid "$n" >/dev/null || { vm_start "$n"; vm_wait "$n" >/dev/null; wait_booted "$n"; }; done
  restart_both
  steady_once
}
steady_once() {
  local n t0
  for n in "${NODES[@]}"; do
    if ! qemu_pid "$n" >/dev/null; then vm_start "$n"; vm_wait "$n" >/dev/null; fi
    wait_booted "$n"
    # --no-block: a unit still running its stop-post clean-up would hold a blocking start for minutes
    gx "$n" 'systemctl is-active --quiet vigil || systemctl start --no-block vigil'
  done
  probe_running || probe_start
  t0=$(now)
  wait_reply "$t0" "$(mac_of linux1)" "$VMLAB_WAIT" "$(probe_mark)" >/dev/null || { fail_dump "no steady state: the VIP does not answer from linux1"; return 1; }
  wait_peers "$VMLAB_WAIT" || { fail_dump "no steady state: the daemons do not see each other as active"; return 1; }
  # settled: the VIP on linux1 only
  local i; for i in $(seq 60); do vip_here linux2 || return 0; sleep 1; done
  fail_dump "no steady state: the VIP stays on linux2"; return 1
}
probe_running() { [[ -s $PIDS ]] && awk '$3 == "probe"' "$PIDS" | while read -r p c _; do owned_alive "$p" "$c" && echo y; done | grep -q y; }

# Restore the tutorial's configuration on NODE (haresources, ha.cf, no vigil.properties) without restarting.
restore_config() {
  gx "$1" 'cp /usr/share/doc/vigil/examples/tutorial/ha.cf /usr/share/doc/vigil/examples/tutorial/haresources /etc/ha.d/ &&
           rm -f /etc/ha.d/vigil.properties /etc/vmlab-stuck-fail /etc/ha.d/resource.d/vmlab-stuck'
}
# Restart vigil on both nodes so a configuration change takes effect: linux2 first, so linux1 gets the VIP back.
restart_both() {
  gx linux2 'systemctl stop vigil'; gx linux1 'systemctl stop vigil'
  vigil_start linux1 linux2
}

boot_id() { gx "$1" 'cat /proc/sys/kernel/random/boot_id' 2>/dev/null; }

# Samples where the VIP is configured on both VMs (through their agents, ~0.3 s per look under emulation) into
# FILE until the sampler is ended; "epoch linux1=0|1|- linux2=0|1|-" ("-": the node did not answer).
sampler_start() {
  local f=$1
  (
    while :; do
      local a b
      a=$(timeout 20 python3 "$QGA" exec "$(ndir linux1)/agent.sock" 15 "ip -4 -o addr show dev eth0 | grep -c ' $VIP/'; true" 2>/dev/null) || a=-
      b=$(timeout 20 python3 "$QGA" exec "$(ndir linux2)/agent.sock" 15 "ip -4 -o addr show dev eth0 | grep -c ' $VIP/'; true" 2>/dev/null) || b=-
      echo "$(now) linux1=${a:--} linux2=${b:--}"
      sleep 0.2
    done
  ) > "$f" 2>/dev/null &
  SAMPLER=$!
}
sampler_stop() { [[ -n ${SAMPLER:-} ]] && kill "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null; SAMPLER=""; }
both_held() { awk '$2 == "linux1=1" && $3 == "linux2=1"' "$1" | wc -l; }

# Feature detection from `vigil check-config` on linux1, run once (a JVM start costs minutes under emulation) on a
# throwaway copy of /etc/ha.d with the directives the scenarios would use: a directive Vigil does not implement is
# listed "[ignored by Vigil]"; issue 13's settings appear in the vigil.* list.
FENCE_HOSTLIST="linux1:$ROUTER_IP:$((FENCE_PORT_BASE + 1)),linux2:$ROUTER_IP:$((FENCE_PORT_BASE + 2))"
# stonith_host's parameters are positional, in the plugin's `-n` order (Heartbeat's `stonith -p`): here only hostlist
STONITH_HOST_LINE="stonith_host * external/vmlab-qemu $FENCE_HOSTLIST"
features() {
  local f=$VMLAB_DIR/features.txt
  [[ -s $f ]] || gx linux1 "d=\$(mktemp -d) && cp -a /etc/ha.d/. \$d/ &&
      printf '%s\n' 'watchdog /dev/watchdog' '$STONITH_HOST_LINE' >> \$d/ha.cf && vigil check-config --config-dir \$d 2>&1; rm -rf \$d" > "$f"
  cat "$f"
}
supports_directive() { features | grep -E "^$1 " | grep -v -q 'ignored by Vigil'; }

wait_settled_on_linux1() {   # wait_settled_on_linux1 T0 OFFSET: replies only from linux1 for 15 s (bounded by VMLAB_WAIT)
  local end=$(( SECONDS + VMLAB_WAIT )) last_l2 from
  while (( SECONDS < end )); do
    sleep 2
    last_l2=$(replies "$2" | awk -v m="$(mac_of linux2)" '$2 == m { t = $1 } END { printf "%.6f\n", t + 0 }')
    from=$(awk -v a="$last_l2" -v b="$1" 'BEGIN { printf "%.6f", (a > b ? a : b) }')
    [[ -n $(replies "$2" | first_after "$from" "$(mac_of linux1)") ]] &&
      awk -v a="$from" -v n="$(now)" 'BEGIN { exit !(n - a > 15) }' && return 0
  done
  return 1
}

# ------------------------------------------------------------------------------------------------ upgrade
# dpkg -i of a newer package on the node holding the VIP. Issue 15's target: the daemon restarts and adopts its
# groups, no probe lost. Today's prerm stops the daemon, so the VIP goes to linux2 and comes back.
sc_upgrade() {
  local deb new v t0 off tend r
  deb=$(deb_file); v=$(dpkg-deb -f "$deb" Version)
  new=$VMLAB_DIR/vigil-upgrade.deb
  local x; x=$(mktemp -d)
  dpkg-deb -R "$deb" "$x/root" && sed -i "s/^Version: .*/Version: $v+vmlab1/" "$x/root/DEBIAN/control" &&
    dpkg-deb --root-owner-group -b "$x/root" "$new" >/dev/null || { rm -rf "$x"; result upgrade FAIL "could not build the newer package"; return; }
  rm -rf "$x"
  share "$new" vigil-upgrade.deb
  fetch_in linux1 vigil-upgrade.deb /root/vigil-upgrade.deb
  echo "  linux1 holds the VIP; dpkg -i of vigil $v+vmlab1 over $v on linux1"
  off=$(probe_mark); t0=$(now); ev "upgrade: dpkg -i on linux1 starts" "$t0"
  gx linux1 'dpkg -i /root/vigil-upgrade.deb 2>&1 | grep -v -E "^(\(Reading|Preparing)"' | sed 's/^/    linux1 | /'
  ev "upgrade: dpkg -i on linux1 done"
  echo "  dpkg -i took $(secs "$t0" "$(now)") s; vigil on linux1: $(gx linux1 'systemctl is-active vigil'), version $(gx linux1 "dpkg-query -W -f='\${Version}' vigil")"
  # let a failover and failback (if any) finish: the VIP back on linux1 and stable for 15 s
  wait_settled_on_linux1 "$t0" "$off" || { fail_dump "after the upgrade"; result upgrade FAIL "the VIP does not settle on linux1 after the upgrade"; return; }
  tend=$(now)
  local lost out seen ver
  lost=$(lost_probes "$t0" "$tend" "$off"); out=$(outage "$t0" "$tend" "$off"); seen=$(holders_seen "$t0" "$tend" "$off")
  ver=$(gx linux1 "dpkg-query -W -f='\${Version}' vigil")
  echo "  during the upgrade the VIP answered from: $seen; lost probes: $lost; longest outage: $out s"
  if [[ $ver != "$v+vmlab1" ]] || ! gx linux1 'systemctl is-active --quiet vigil'; then
    result upgrade FAIL "after dpkg -i: version '$ver', vigil $(gx linux1 'systemctl is-active vigil')"
  elif [[ $lost == 0 && $seen != *linux2* ]]; then
    result upgrade PASS "no failover: 0 probes lost, the VIP stayed on linux1 (version $ver)"
  else
    result upgrade GAP "the upgrade moved the VIP (answered from: $seen), $lost probes lost, longest outage $out s; needs issue 15 (restart/upgrade adoption)"
  fi
  # the newer package has the tree's content: later scenarios keep it (a downgrade would restart the daemon again)
  steady >/dev/null || true
}

# ------------------------------------------------------------------------------------------------ remove / purge
# apt-get remove and purge on linux2 (the standby): the user's /etc/ha.d stays as it was (Debian policy: a package
# never removes what the administrator wrote), the package's own state goes with purge, linux1 keeps serving.
etc_ha_d() { gx linux2 'cd /etc/ha.d && sha256sum ha.cf authkeys haresources && stat -c "%n %a" authkeys'; }
apt_step() {   # apt_step remove|purge: on linux2, then compare /etc/ha.d with $before (sets ok/why of the caller)
  echo "  linux2: apt-get $1 vigil"
  gx linux2 "apt-get $1 -y -q vigil 2>&1 | grep -E '^(Removing|Purging|The following)'; dpkg-query -W -f='dpkg state: \${db:Status-Abbrev}\n' vigil 2>&1 | head -1" |
    sed 's/^/    linux2 | /'
  [[ $before == "$(etc_ha_d)" ]] && echo "  /etc/ha.d after $1: unchanged (ha.cf, authkeys mode 600, haresources)" ||
    { ok=0; why+="$1 changed /etc/ha.d; "; echo "  /etc/ha.d after $1: CHANGED"; }
}
sc_remove_purge() {
  local before off t0 ok=1 why=""
  off=$(probe_mark); t0=$(now); before=$(etc_ha_d)
  apt_step remove
  gx linux2 '! pgrep -f "quarkus-run[.]jar" >/dev/null' || { ok=0; why+="a vigil JVM still runs after remove; "; }
  gx linux2 '[ ! -e /usr/bin/vigil ] && [ ! -e /lib/systemd/system/vigil.service ]' || { ok=0; why+="files left after remove; "; }
  apt_step purge
  gx linux2 '[ ! -e /var/lib/vigil ]' || { ok=0; why+="/var/lib/vigil left after purge; "; }
  echo "  /var/lib/vigil after purge: $(gx linux2 '[ -e /var/lib/vigil ] && echo present || echo gone')"
  echo "  linux2: reinstall with the same provisioning (existing files kept)"
  gx linux2 'sh /root/provision.sh /root/vigil.deb' | sed 's/^/    linux2 | /'
  steady >/dev/null || { ok=0; why+="no steady state after the reinstall; "; }   # linux2 rejoined; the VIP must not have moved
  local lost seen; lost=$(lost_probes "$t0" "$(now)" "$off"); seen=$(holders_seen "$t0" "$(now)" "$off")
  echo "  meanwhile the VIP answered from: $seen; lost probes: $lost"
  [[ $seen == "linux1 " && $lost == 0 ]] || { ok=0; why+="the standby's removal disturbed the VIP (answered from: $seen, $lost lost); "; }
  if [[ $ok == 1 ]]; then
    result remove-purge PASS "remove and purge left /etc/ha.d unchanged, purge removed /var/lib/vigil, the VIP never left linux1 (0 probes lost)"
  else
    result remove-purge FAIL "$why"
  fi
  steady >/dev/null || true
}

# ------------------------------------------------------------------------------------------------ fencing
# linux1 (holding the VIP) loses its network but keeps running: without fencing both would hold the VIP. linux2
# fences it through cluster-glue's `stonith` with the external/vmlab-qemu plugin, which powers the VM off through
# its QEMU monitor, and takes the VIP only after that. With issue 13's `stonith_host` support the plugin is named in
# ha.cf; until then Vigil's `vigil.fence-script` calls the same `stonith` command.
sc_fence() {
  local n how
  echo "  the plugin as cluster-glue sees it, on linux2:"
  gx linux2 "stonith -L | grep vmlab-qemu; stonith -t external/vmlab-qemu -n; stonith -t external/vmlab-qemu hostlist='$FENCE_HOSTLIST' -S 2>&1; echo \"status rc=\$?\"" |
    sed 's/^/    linux2 | /'
  # a device must refuse a VM that is not the one named: linux1 pointed at linux2's monitor
  if gx linux2 "stonith -t external/vmlab-qemu hostlist='linux1:$ROUTER_IP:$((FENCE_PORT_BASE + 2))' -T off linux1" >/dev/null 2>&1 ||
     ! qemu_pid linux2 >/dev/null; then
    result fence FAIL "the plugin powered off a VM whose monitor does not belong to the target"; steady >/dev/null; return
  fi
  echo "  a hostlist entry pointing at the wrong VM's monitor is refused (query-name check)"
  if supports_directive stonith_host; then
    how="ha.cf: $STONITH_HOST_LINE"
    for n in "${NODES[@]}"; do gx "$n" "echo '$STONITH_HOST_LINE' >> /etc/ha.d/ha.cf"; done
  else
    how="vigil.fence-script -> stonith -t external/vmlab-qemu -T off (ha.cf's stonith_host is ignored until issue 13)"
    for n in "${NODES[@]}"; do
      gx "$n" "printf '#!/bin/sh\n# the VM lab power switch, through cluster-glue\nexec stonith -t external/vmlab-qemu hostlist=\"%s\" -T off \"\$1\"\n' '$FENCE_HOSTLIST' > /usr/local/sbin/vmlab-fence &&
               chmod 755 /usr/local/sbin/vmlab-fence && echo vigil.fence-script=/usr/local/sbin/vmlab-fence > /etc/ha.d/vigil.properties"
    done
  fi
  echo "  fencing configured on both nodes: $how"
  restart_both
  steady || { result fence FAIL "no steady state with fencing configured"; fence_restore; return; }
  local p1 b1 off t_cut t_gone="" t_r how_gone
  p1=$(qemu_pid linux1); b1=$(boot_id linux1); off=$(probe_mark)
  t_cut=$(now); ev "fence: linux1's eth0 down (the node runs on, cut off)" "$t_cut"
  gx linux1 'ip link set eth0 down'
  echo "  linux1's eth0 is down; linux1 still runs (QEMU pid $p1) and still has the VIP configured"
  # fenced = powered off (`off`: QEMU gone) or reset (`reset`, Heartbeat's stonith action: the same QEMU reboots).
  # A reset is placed in a window: after the last look at which linux1's guest agent (no network needed, so the cut
  # does not hide it) still answered with the old boot id, and before the new kernel's first console line ("Linux
  # version" in the QEMU-side console log, watched every 0.1 s by a loop of its own).
  local slog s0 t_ok="$t_cut" t_try t_lo t_hi con=$VMLAB_DIR/fence-console.txt
  slog=$(ndir linux1)/serial.log; s0=$(stat -c %s "$slog" 2>/dev/null || echo 0); rm -f "$con"
  ( while ! tail -c +$((s0 + 1)) "$slog" 2>/dev/null | grep -a -q 'Linux version'; do sleep 0.1; done; now > "$con" ) &
  local conwatch=$! end=$(( SECONDS + VMLAB_WAIT )) gone=0
  # and the exact moment, when QEMU reports it: its RESET event, timestamped by QEMU on the host's clock (the same
  # clock as the client's capture), read from linux1's own QMP socket (the plugin uses the other monitor)
  local qev=$VMLAB_DIR/fence-qmp.txt; rm -f "$qev"
  python3 -c 'import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rwb")
f.readline(); f.write(b"{\"execute\": \"qmp_capabilities\"}\n"); f.flush()
for line in f:
    m = json.loads(line)
    if m.get("event") in ("RESET", "SHUTDOWN"):
        t = m["timestamp"]; print("%d.%06d %s" % (t["seconds"], t["microseconds"], m["event"]), flush=True); break' \
    "$(ndir linux1)/qmp.sock" > "$qev" 2>/dev/null &
  local qwatch=$!
  while (( SECONDS < end )); do
    [[ -d /proc/$p1 ]] || { t_gone=$(now); t_lo=$t_ok; t_hi=$t_gone; how_gone="powered off (its QEMU exited)"; break; }
    [[ -s $qev ]] && { t_lo=$(awk '{ print $1; exit }' "$qev"); t_hi=$t_lo; t_gone=$t_lo; how_gone="reset (QEMU's RESET event)"; break; }
    [[ -s $con ]] && { t_lo=$t_ok; t_hi=$(<"$con"); t_gone=$t_hi; how_gone="reset (its QEMU restarted the machine)"; break; }
    if ((gone == 0)); then
      t_try=$(now)
      [[ $(timeout 5 python3 "$QGA" exec "$(ndir linux1)/agent.sock" 3 'cat /proc/sys/kernel/random/boot_id' 2>/dev/null) == "$b1" ]] &&
        t_ok=$t_try || gone=1
    fi
    sleep 0.2
  done
  kill "$conwatch" "$qwatch" 2>/dev/null; wait "$conwatch" "$qwatch" 2>/dev/null
  [[ -n $t_gone ]] || { fail_dump "linux1 was not fenced"; result fence FAIL "linux1's VM still runs $VMLAB_WAIT s after it was cut off"; fence_restore; return; }
  local when="$(secs "$t_cut" "$t_lo") s"; [[ $t_lo == "$t_hi" ]] || when="between $when and $(secs "$t_cut" "$t_hi") s"
  ev "fence: linux1 $how_gone by the plugin, $when after the cut" "$t_hi"
  echo "  linux1 $how_gone $when after the cut"
  t_r=$(wait_reply "$t_cut" "$(mac_of linux2)" "$VMLAB_WAIT" "$off") || { fail_dump "no takeover after fencing"; result fence FAIL "no reply from linux2 after linux1 was fenced"; fence_restore; return; }
  local t_arp; t_arp=$(announces "$off" | first_after "$t_cut" "$(mac_of linux2)")
  echo "  linux2's first gratuitous ARP for the VIP $(secs "$t_cut" "${t_arp:-$t_r}") s after the cut; first reply $(secs "$t_cut" "$t_r") s"
  gx linux2 'grep -i -E "fenc|stonith" /var/log/ha-log | tail -n 4' | sed 's/^/    linux2 ha-log | /'
  local a=${t_arp:-$t_r}
  if awk -v a="$a" -v g="$t_hi" 'BEGIN { exit !(a >= g) }'; then
    result fence PASS "linux1 $how_gone through its QEMU monitor $when after the cut, linux2 announced the VIP $(secs "$t_hi" "$a") s after that ($how)"
  elif awk -v a="$a" -v g="$t_lo" 'BEGIN { exit !(a < g) }'; then
    result fence FAIL "linux2 announced the VIP $(secs "$a" "$t_lo") s BEFORE linux1 was fenced"
  else
    result fence FAIL "not shown: linux2 announced the VIP $(secs "$t_cut" "$a") s after the cut, inside the window in which linux1 was $how_gone ($when): the lab cannot order the two"
  fi
  fence_restore
}
fence_restore() {
  local n
  [[ $RESTORE == 1 ]] || return 0
  qemu_pid linux1 >/dev/null || vm_start linux1
  vm_wait linux1 >/dev/null; wait_booted linux1   # also after a reset: the same QEMU, a machine booting again
  gx linux1 'ip link set eth0 up' 2>/dev/null
  for n in "${NODES[@]}"; do restore_config "$n"; done
  restart_both
  steady >/dev/null || true
}

# ------------------------------------------------------------------------------------------------ failed stop: reboot
# A resource whose stop fails on linux1: with issue 13's `vigil.on-stop-failure=reboot` the VM really reboots
# (reboot -nf semantics; a VM may, the host never) and linux2 starts the group only once linux1 is gone.
sc_reboot() {
  if ! features | grep -q 'on-stop-failure'; then
    result reboot SKIP "needs issue 13: vigil.on-stop-failure / vigil.reboot-command are not in this build (check-config does not list them)"
    return
  fi
  local n
  for n in "${NODES[@]}"; do
    gx "$n" "mkdir -p /etc/ha.d/resource.d && cat > /etc/ha.d/resource.d/vmlab-stuck <<'EOF'
#!/bin/sh
# LSB script of the VM lab: its stop fails while /etc/vmlab-stuck-fail exists (a service that will not die)
m=/run/vmlab-stuck.active
case \$1 in
  start) touch \$m ;;
  stop) [ -e /etc/vmlab-stuck-fail ] && { echo 'vmlab-stuck: refusing to stop' >&2; exit 1; }; rm -f \$m ;;
  status) [ -e \$m ] && { echo running; exit 0; }; echo stopped; exit 3 ;;
esac
EOF
chmod 755 /etc/ha.d/resource.d/vmlab-stuck && echo 'linux1 192.0.2.253 vmlab-stuck' > /etc/ha.d/haresources &&
echo vigil.on-stop-failure=reboot > /etc/ha.d/vigil.properties"
  done
  restart_both
  steady || { result reboot FAIL "no steady state with the vmlab-stuck group"; reboot_restore; return; }
  local b1 p1 off t0 t_gone="" t_arp samples=$VMLAB_DIR/samples-reboot.txt
  b1=$(boot_id linux1); p1=$(qemu_pid linux1); off=$(probe_mark)
  gx linux1 'touch /etc/vmlab-stuck-fail'
  sampler_start "$samples"
  t0=$(now); ev "reboot: linux1 standby with a resource whose stop fails" "$t0"
  gx linux1 'vigil standby' | sed 's/^/    linux1 | /'
  local i; for i in $(seq 600); do timeout 3 python3 "$QGA" exec "$(ndir linux1)/agent.sock" 2 true >/dev/null 2>&1 || { t_gone=$(now); break; }; sleep 0.3; done
  [[ -n $t_gone ]] && ev "reboot: linux1 stopped answering (rebooting)" "$t_gone"
  vm_wait linux1 >/dev/null
  local b2; b2=$(boot_id linux1)
  t_arp=$(announces "$off" | first_after "$t0" "$(mac_of linux2)")
  sampler_stop
  echo "  linux1: boot_id $b1 -> $b2, QEMU pid $p1 -> $(qemu_pid linux1); linux2 announced the VIP $(secs "$t0" "${t_arp:-$t0}") s after the standby"
  if [[ -z $t_gone || $b1 == "$b2" ]]; then
    result reboot FAIL "linux1 did not reboot after the failed stop"
  elif [[ $(both_held "$samples") -gt 0 ]]; then
    result reboot FAIL "the VIP was seen on both VMs at once in $(both_held "$samples") samples"
  elif [[ -z $t_arp ]] || awk -v a="$t_arp" -v g="$t_gone" 'BEGIN { exit !(a < g) }'; then
    result reboot FAIL "linux2 took the VIP before linux1 went down (or never)"
  else
    result reboot PASS "failed stop rebooted linux1 (new boot_id, same QEMU) $(secs "$t0" "$t_gone") s after the standby; linux2 took the VIP $(secs "$t_gone" "$t_arp") s after linux1 went down"
  fi
  reboot_restore
}
reboot_restore() {
  local n
  [[ $RESTORE == 1 ]] || return 0
  qemu_pid linux1 >/dev/null || { vm_start linux1; vm_wait linux1 >/dev/null; }
  wait_booted linux1
  for n in "${NODES[@]}"; do restore_config "$n"; done
  restart_both
  steady >/dev/null || true
}

# ------------------------------------------------------------------------------------------------ watchdogs
# Kernel watchdog: ha.cf `watchdog /dev/watchdog` with softdog; a SIGSTOPped daemon stops feeding it and softdog
# resets the VM.
sc_watchdog_kernel() {
  if ! supports_directive watchdog; then
    result watchdog-kernel SKIP "needs issue 13: ha.cf 'watchdog' is ignored by this build (check-config: [ignored by Vigil])"
    return
  fi
  local n
  for n in "${NODES[@]}"; do
    gx "$n" "echo 'options softdog soft_margin=${VMLAB_SOFTDOG_MARGIN:-20}' > /etc/modprobe.d/vmlab-softdog.conf &&
             echo softdog > /etc/modules-load.d/vmlab-softdog.conf && modprobe softdog &&
             echo 'watchdog /dev/watchdog' >> /etc/ha.d/ha.cf"
  done
  restart_both
  steady || { result watchdog-kernel FAIL "no steady state with the watchdog configured"; watchdog_restore; return; }
  local b1 pid t0 t_gone="" samples=$VMLAB_DIR/samples-softdog.txt
  b1=$(boot_id linux1); pid=$(gx linux1 'systemctl show -p MainPID --value vigil')
  gx linux1 "test -e /dev/watchdog && fuser /dev/watchdog 2>/dev/null" >/dev/null ||
    echo "  (note: nothing on linux1 holds /dev/watchdog open)"
  sampler_start "$samples"
  t0=$(now); ev "watchdog-kernel: SIGSTOP of vigil (pid $pid) on linux1" "$t0"
  gx linux1 "kill -STOP $pid"
  local i; for i in $(seq 600); do timeout 3 python3 "$QGA" exec "$(ndir linux1)/agent.sock" 2 true >/dev/null 2>&1 || { t_gone=$(now); break; }; sleep 0.3; done
  vm_wait linux1 >/dev/null
  sampler_stop
  local b2; b2=$(boot_id linux1)
  if [[ -n $t_gone && $b1 != "$b2" ]]; then
    result watchdog-kernel PASS "softdog reset linux1 $(secs "$t0" "$t_gone") s after its daemon was stopped (Vigil sets the timeout: deadtime + 10 ms, rounded up); VIP on both VMs in $(both_held "$samples") samples"
  else
    result watchdog-kernel FAIL "linux1 was not reset by the kernel watchdog within 180 s"
  fi
  watchdog_restore
}

# systemd watchdog: Type=notify + WatchdogSec=; a SIGSTOPped daemon is killed by systemd, its cleanup releases the
# VIP, systemd restarts it. The restart comes only after ExecStopPost's `vigil cleanup` (a JVM start: minutes under
# emulation), so it is awaited up to VMLAB_WAIT; linux2 takes the VIP after deadtime, so it is safe only if linux1
# released it by then (the unit keeps WatchdogSec below deadtime for that).
sc_watchdog_systemd() {
  local typ wd
  typ=$(gx linux1 'systemctl show -p Type --value vigil'); wd=$(gx linux1 'systemctl show -p WatchdogUSec --value vigil')
  if [[ $typ != notify || -z $wd || $wd == 0 || $wd == infinity ]]; then
    result watchdog-systemd SKIP "needs issue 13: vigil.service is Type=$typ, WatchdogUSec=${wd:-unset} (no systemd watchdog yet)"
    return
  fi
  local pid off t0 t_kill="" t_free="" t_up="" t_arp newpid=0 samples=$VMLAB_DIR/samples-sdwd.txt
  pid=$(gx linux1 'systemctl show -p MainPID --value vigil'); off=$(probe_mark)
  sampler_start "$samples"
  t0=$(now); ev "watchdog-systemd: SIGSTOP of vigil (pid $pid) on linux1, WatchdogSec=$wd" "$t0"
  gx linux1 "kill -STOP $pid"
  local i; for i in $(seq 300); do gx linux1 "[ -d /proc/$pid ]" || { t_kill=$(now); break; }; sleep 0.5; done
  [[ -n $t_kill ]] && ev "watchdog-systemd: systemd killed the stopped daemon" "$t_kill"
  local end=$(( SECONDS + VMLAB_WAIT ))
  while [[ -n $t_kill ]] && (( SECONDS < end )); do
    [[ -z $t_free ]] && ! vip_here linux1 && { t_free=$(now); ev "watchdog-systemd: the VIP is gone from linux1 (cleanup)" "$t_free"; }
    newpid=$(gx linux1 'systemctl show -p MainPID --value vigil')
    if [[ $newpid != 0 && $newpid != "$pid" ]] && gx linux1 'systemctl is-active --quiet vigil'; then
      t_up=$(now); ev "watchdog-systemd: vigil restarted by systemd (pid $newpid)" "$t_up"; break
    fi
    sleep 2
  done
  sampler_stop
  t_arp=$(announces "$off" | first_after "$t0" "$(mac_of linux2)")
  gx linux1 'journalctl -u vigil --no-pager -n 60 | grep -i -E "watchdog|cleanup|Main process|Scheduled restart|192.0.2.253"' | tail -n 8 | sed 's/^/    linux1 journal | /'
  after() { if [[ -n $1 ]]; then echo "$(secs "$t0" "$1") s"; else echo never; fi; }
  echo "  after the SIGSTOP: killed $(after "$t_kill"); linux2 announced the VIP $(after "$t_arp"); the VIP left linux1" \
       "$(after "$t_free"); restarted $(after "$t_up")"
  local both; both=$(both_held "$samples")
  if [[ -z $t_kill ]]; then
    result watchdog-systemd FAIL "systemd did not kill the stopped daemon within 150 s"
  elif [[ -z $t_up ]]; then
    result watchdog-systemd FAIL "the daemon was killed $(secs "$t0" "$t_kill") s after SIGSTOP but not restarted within $VMLAB_WAIT s (MainPID $newpid)"
  elif [[ $both -gt 0 ]] || { [[ -n $t_arp && -n $t_free ]] && awk -v a="$t_arp" -v f="$t_free" 'BEGIN { exit !(a < f) }'; }; then
    result watchdog-systemd FAIL "killed $(secs "$t0" "$t_kill") s after SIGSTOP and restarted (pid $pid -> $newpid) $(secs "$t0" "$t_up") s after it, but the VIP was on both VMs: linux2 announced it $(secs "$t0" "${t_arp:-$t0}") s after SIGSTOP, linux1's cleanup released it only $(secs "$t0" "${t_free:-$t_up}") s after ($both samples with both)"
  else
    result watchdog-systemd PASS "systemd killed the stopped daemon $(secs "$t0" "$t_kill") s after SIGSTOP and restarted it $(secs "$t0" "$t_up") s after (pid $pid -> $newpid); VIP never on both VMs ($(wc -l < "$samples") samples); lost probes $(lost_probes "$t0" "$(now)" "$off")"
  fi
  steady >/dev/null || true
}

watchdog_restore() {
  local n
  [[ $RESTORE == 1 ]] || return 0
  for n in "${NODES[@]}"; do
    qemu_pid "$n" >/dev/null || { vm_start "$n"; vm_wait "$n" >/dev/null; }
    wait_booted "$n"
    gx "$n" 'rm -f /etc/modprobe.d/vmlab-softdog.conf /etc/modules-load.d/vmlab-softdog.conf'
    restore_config "$n"
  done
  restart_both
  steady >/dev/null || true
}

# ------------------------------------------------------------------------------------------------ drivers
run_scenario() {
  local s=$1
  echo
  echo "=== scenario $s ($(date +%T))"
  local t0; t0=$(now)
  case $s in
    upgrade) sc_upgrade ;;
    remove-purge) sc_remove_purge ;;
    fence) sc_fence ;;
    reboot) sc_reboot ;;
    watchdog-kernel) sc_watchdog_kernel ;;
    watchdog-systemd) sc_watchdog_systemd ;;
    *) die "unknown scenario '$s' (${SCENARIOS[*]})" ;;
  esac
  echo "    ($s took $(secs "$t0" "$(now)") s)"
}

cmd_scenario() {
  [[ ${1:-} == list || $# -eq 0 ]] && { printf '%s\n' "${SCENARIOS[@]}"; return 0; }
  lab_is_up || die "the lab is not up: run 'vmlab.sh up' and 'vmlab.sh install' (or 'make test-vm' for everything)"
  [[ -n ${T0:-} ]] || { T0=$(now); : > "$EVENTS"; }
  steady || die "the lab is not in its steady state (vigil on both, VIP on linux1)"
  local s; for s in "$@"; do run_scenario "$s"; done
}

# make test-vm: the demo's story with its checks, then every scenario; a summary; the lab taken down.
cmd_test() {
  need_root
  local t_all s; t_all=$(now)
  : > "$RESULTS"; : > "$EVENTS"; : > "$PROBE"; rm -f "$VMLAB_DIR/features.txt"; T0=$t_all
  trap 'rc=$?; trap - EXIT INT TERM; probe_stop; cmd_down; exit $rc' EXIT
  trap 'exit 130' INT TERM
  deb_file >/dev/null
  cmd_image
  local t_img; t_img=$(now)
  cmd_up
  cmd_install
  # before any daemon runs: a second JVM in an emulated guest would starve the daemon into a false failover
  say "which features this build has: vigil check-config on linux1 (one JVM start)"
  features | grep -E '^(watchdog|stonith_host) |on-stop-failure' | sed 's/^/    /'
  echo "=== the tutorial's story (make vm-lab)"
  if demo_story; then
    result vm-lab PASS "VIP on linux1 as eth0:0 ${DEMO_START} s after start; power-off of linux1 -> linux2 ${DEMO_FAILOVER} s; failback ${DEMO_FAILBACK} s"
  else
    result vm-lab FAIL "the tutorial's story did not complete (see above)"
  fi
  local list=("$@"); ((${#list[@]})) || list=("${SCENARIOS[@]}")
  for s in "${list[@]}"; do
    [[ $s == "${list[-1]}" ]] && RESTORE=0
    steady >/dev/null || say "starting $s without a steady state"
    run_scenario "$s"
  done
  probe_stop
  echo
  echo "Timeline (t=0 at the start of 'make test-vm'):"
  timeline
  echo
  echo "Summary ($(accel); image $(secs "$t_all" "$t_img") s, the rest $(secs "$t_img" "$(now)") s, total $(secs "$t_all" "$(now)") s):"
  sed 's/^RESULT /  /' "$RESULTS"
  local fails; fails=$(grep -c -E ': FAIL ' "$RESULTS")
  [[ ${VMLAB_STRICT:-0} == 1 ]] && fails=$((fails + $(grep -c -E ': GAP ' "$RESULTS")))
  echo "known gaps (GAP, counted as passed unless VMLAB_STRICT=1): $(grep -c -E ': GAP ' "$RESULTS")"
  echo "$(( $(grep -c -E ': (PASS|GAP) ' "$RESULTS") - (fails - $(grep -c -E ': FAIL ' "$RESULTS")) )) passed, $fails failed, $(grep -c -E ': SKIP ' "$RESULTS") skipped"
  ((fails == 0))
}
