package io.vigil.failover.transcript;

import io.vigil.config.AutoFailback;
import io.vigil.config.StopFailurePolicy;
import io.vigil.failover.FailoverEvent;
import io.vigil.failover.FailoverSettings;
import io.vigil.failover.GroupSpec;
import io.vigil.failover.ResourceSet;
import io.vigil.membership.MembershipSettings;
import io.vigil.node.NodeSettings;
import io.vigil.wire.Message;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the commands of one transcript against one node and returns what each produced. Commands (time {@code @ms}
 * first, optional: 10 ms after the previous command; {@code view} and {@code deadline} take no time):
 * <pre>
 * node NAME nodes=a,b groups=KEY@PREFERRED,... [auto_failback=on|off|legacy] [keepalive=ms] [deadtime=ms]
 *      [warntime=ms] [initdead=ms] [fencing=yes|no] [restarts=n] [pings=n] [generation=n] [wire=on] [start=ms]
 *      [random=seed]                             (of the retransmission delays)
 *      [on_stop_failure=reboot|fence|block]      (default: fence with fencing=yes, else reboot)
 * recv SRC [hg=HEX] [seq=HEX] [link=NAME] field=value...   a packet from SRC (fields in order, then src, seq, hg)
 * tick                                           the daemon's timer: membership deadlines, engine time-outs, rexmit
 * ticks every=MS until=MS                        a tick every MS ms up to and including MS (each tick's output under @time)
 * keepalive                                      our status message
 * done start|stop KEY ok|failed [DETAIL]         a group operation completed
 * fenced NODE ok|failed [DETAIL]                 the fence hook completed
 * monitor-failed KEY [DETAIL]                    a periodic status check failed
 * reboot-failed [DETAIL]                         the reboot asked after a stop failure did not happen
 * cleanup KEY stopped|running [DETAIL]           vigil resource cleanup KEY probed the group
 * operator standby|takeover all|local|foreign    vigil standby / vigil takeover
 * ping N                                         we reach N ping nodes
 * shutdown                                       SIGTERM
 * view                                           the engine's and membership's view
 * deadline                                       when the daemon's timer is armed for next (NodeCore.nextDeadline)
 * </pre>
 */
final class TranscriptRunner {

    /** Commands that only look: they take no time. */
    private static final java.util.Set<String> QUERIES = java.util.Set.of("view", "deadline");

    private NodeHarness node;
    private long now;

    List<String> run(String command) {
        List<String> words = new ArrayList<>(Tokens.split(command));
        if (!words.isEmpty() && words.get(0).startsWith("@")) {
            long at = Long.parseLong(words.remove(0).substring(1));
            if (at < now) {
                throw new IllegalArgumentException("time goes back: @" + at + " after @" + now);
            }
            now = at;
        } else if (node != null && !words.isEmpty() && !QUERIES.contains(words.get(0))) {
            now += 10;
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        String verb = words.remove(0);
        if (verb.equals("node")) {
            create(words);
            return List.of();
        }
        if (node == null) {
            throw new IllegalArgumentException("the first command must be 'node'");
        }
        switch (verb) {
            case "recv" -> node.datagram(now, message(words), option(words, "link", "eth0"));
            case "tick" -> node.tick(now);
            case "ticks" -> {
                return ticks(words);
            }
            case "keepalive" -> node.keepalive(now);
            case "done" -> node.groupCompleted(now, words.get(1),
                    FailoverEvent.GroupOp.valueOf(words.get(0).toUpperCase(Locale.ROOT)), ok(words.get(2)),
                    detail(words, 3));
            case "fenced" -> node.fenceCompleted(now, words.get(0), ok(words.get(1)), detail(words, 2));
            case "monitor-failed" -> node.monitorFailed(now, words.get(0), detail(words, 1));
            case "reboot-failed" -> node.rebootFailed(now, detail(words, 0));
            case "cleanup" -> node.cleanedUp(now, words.get(0), switch (words.get(1)) {
                case "stopped" -> true;
                case "running" -> false;
                default -> throw new IllegalArgumentException("expected stopped or running, got '" + words.get(1) + "'");
            }, detail(words, 2));
            case "operator" -> node.operator(now,
                    FailoverEvent.OperatorKind.valueOf(words.get(0).toUpperCase(Locale.ROOT)),
                    ResourceSet.parse(words.get(1)).orElseThrow());
            case "ping" -> node.ping(now, Integer.parseInt(words.get(0)));
            case "shutdown" -> node.shutdown(now);
            case "view" -> {
                node.drain();
                return node.view();
            }
            case "deadline" -> {
                return List.of(node.deadline());
            }
            default -> throw new IllegalArgumentException("unknown command '" + verb + "'");
        }
        return node.drain();
    }

    private List<String> ticks(List<String> words) {
        Map<String, String> o = options(words);
        long every = Long.parseLong(o.get("every"));
        long until = Long.parseLong(o.get("until"));
        List<String> out = new ArrayList<>();
        for (long t = now; t <= until; t += every) {
            now = t;
            node.tick(t);
            List<String> lines = node.drain();
            if (!lines.isEmpty()) {
                out.add("@" + t);
                out.addAll(lines);
            }
        }
        return out;
    }

    private void create(List<String> words) {
        String name = words.remove(0);
        Map<String, String> o = options(words);
        List<String> nodes = List.of(o.get("nodes").split(","));
        List<GroupSpec> groups = new ArrayList<>();
        if (o.containsKey("groups")) {
            for (String g : o.get("groups").split(",")) {
                String[] kp = g.split("@");
                groups.add(new GroupSpec(kp[0], kp[1]));
            }
        }
        AutoFailback af = AutoFailback.valueOf(o.getOrDefault("auto_failback", "on").toUpperCase(Locale.ROOT));
        long keepalive = Long.parseLong(o.getOrDefault("keepalive", "1000"));
        long deadtime = Long.parseLong(o.getOrDefault("deadtime", "10000"));
        long warntime = Long.parseLong(o.getOrDefault("warntime", Long.toString(deadtime)));
        long initdead = Long.parseLong(o.getOrDefault("initdead", Long.toString(2 * deadtime)));
        boolean fencing = o.getOrDefault("fencing", "no").equals("yes");
        int restarts = Integer.parseInt(o.getOrDefault("restarts", "1"));
        int pings = Integer.parseInt(o.getOrDefault("pings", "0"));
        long generation = Long.parseLong(o.getOrDefault("generation", "1"));
        long random = Long.parseLong(o.getOrDefault("random", "1"));
        boolean wire = o.getOrDefault("wire", "off").equals("on");
        now = Long.parseLong(o.getOrDefault("start", "0"));
        MembershipSettings ms = new MembershipSettings(name, nodes, List.of(), List.of("eth0"), keepalive, deadtime,
                warntime, initdead, deadtime, 250);
        StopFailurePolicy onStopFailure = StopFailurePolicy.parse(o.getOrDefault("on_stop_failure",
                fencing ? "fence" : "reboot")).orElseThrow();
        FailoverSettings fs = new FailoverSettings(name, nodes, groups, af, keepalive, deadtime, initdead, fencing,
                restarts, pings, onStopFailure);
        node = new NodeHarness(new NodeSettings(ms, fs, 250), generation, random, wire, now);
    }

    /** {@code SRC [hg=..] [seq=..] [link=..] fields...}: the fields in order, then src, seq and hg as given. */
    private static Message message(List<String> words) {
        String src = words.remove(0);
        Message m = new Message();
        String hg = null;
        String seq = null;
        for (String w : new ArrayList<>(words)) {
            int eq = w.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected field=value, got '" + w + "'");
            }
            String k = w.substring(0, eq);
            String v = w.substring(eq + 1);
            switch (k) {
                case "hg" -> hg = v;
                case "seq" -> seq = v;
                case "link" -> {
                    continue;
                }
                default -> m.add(k, v);
            }
            words.remove(w);
        }
        m.add("src", src);
        if (seq != null) {
            m.add("seq", seq);
        }
        if (hg != null) {
            m.add("hg", hg);
        }
        return m;
    }

    private static String option(List<String> words, String name, String dflt) {
        for (String w : words) {
            if (w.startsWith(name + "=")) {
                return w.substring(name.length() + 1);
            }
        }
        return dflt;
    }

    private static Map<String, String> options(List<String> words) {
        Map<String, String> o = new LinkedHashMap<>();
        for (String w : words) {
            int eq = w.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected name=value, got '" + w + "'");
            }
            o.put(w.substring(0, eq), w.substring(eq + 1));
        }
        return o;
    }

    private static boolean ok(String word) {
        return switch (word) {
            case "ok" -> true;
            case "failed" -> false;
            default -> throw new IllegalArgumentException("expected ok or failed, got '" + word + "'");
        };
    }

    private static String detail(List<String> words, int index) {
        return words.size() > index ? words.get(index) : "ok";
    }
}
