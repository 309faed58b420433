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
import io.vigil.wire.PeerIncarnation;

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
 *      [links=eth0,...]                          (the media's link names; eth0)
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
 * found-running KEY,...                          the start-up probe found these groups running (before comm-up)
 * found-stop-failed KEY,...                      the start-up clean-up could not stop these groups (before comm-up)
 * reconfigure [groups=..] [keepalive=ms] [deadtime=ms] [auto_failback=..] [links=a,b] ...
 *                                                a reload: the node's options, those given replacing theirs
 *                                                ("refused WHY" when the core refuses it)
 * view                                           the engine's and membership's view
 * deadline                                       when the daemon's timer is armed for next (NodeCore.nextDeadline)
 * </pre>
 */
final class TranscriptRunner {

    /** Commands that only look: they take no time. */
    /** Commands that take no time: queries, and the set-up a dumped incarnation starts with ({@code known}). */
    private static final java.util.Set<String> QUERIES = java.util.Set.of("view", "deadline", "known");

    private NodeHarness node;
    private String name;
    private Map<String, String> nodeOptions;
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
            case "found-running" -> node.foundRunning(now, List.of(words.get(0).split(",")));
            case "found-stop-failed" -> node.foundStopFailed(now, List.of(words.get(0).split(",")));
            case "reconfigure" -> {
                return reconfigure(words);
            }
            case "known" -> node.restorePeers(known(words));
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
        name = words.remove(0);
        nodeOptions = options(words);
        long generation = Long.parseLong(nodeOptions.getOrDefault("generation", "1"));
        long random = Long.parseLong(nodeOptions.getOrDefault("random", "1"));
        boolean wire = nodeOptions.getOrDefault("wire", "off").equals("on");
        boolean keep = nodeOptions.getOrDefault("keep", "off").equals("on");
        now = Long.parseLong(nodeOptions.getOrDefault("start", "0"));
        node = new NodeHarness(settings(nodeOptions), generation, random, wire, keep, now);
    }

    /** A reload: the node's options, those given replacing theirs. */
    private List<String> reconfigure(List<String> words) {
        Map<String, String> o = new LinkedHashMap<>(nodeOptions);
        o.putAll(options(words));
        List<String> out = new ArrayList<>();
        node.reconfigure(now, settings(o)).ifPresentOrElse(why -> out.add("refused " + why), () -> nodeOptions = o);
        out.addAll(node.drain());
        return out;
    }

    private NodeSettings settings(Map<String, String> o) {
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
        List<String> links = List.of(o.getOrDefault("links", "eth0").split(","));
        MembershipSettings ms = new MembershipSettings(name, nodes, List.of(), links, keepalive, deadtime,
                warntime, initdead, deadtime, 250);
        StopFailurePolicy onStopFailure = StopFailurePolicy.parse(o.getOrDefault("on_stop_failure",
                fencing ? "fence" : "reboot")).orElseThrow();
        FailoverSettings fs = new FailoverSettings(name, nodes, groups, af, keepalive, deadtime, initdead, fencing,
                restarts, pings, onStopFailure);
        return new NodeSettings(ms, fs, 250);
    }

    /**
     * {@code NODE gen=<decimal> seq=<decimal> ts=<decimal> [closed]}: what the node knew of a peer before it restarted
     * (given before the first packet).
     */
    private static List<PeerIncarnation> known(List<String> words) {
        String peer = words.remove(0);
        boolean closed = words.remove("closed");
        Map<String, String> o = options(words);
        return List.of(new PeerIncarnation(peer, Long.parseLong(o.get("gen")), Long.parseLong(o.get("seq")),
                Long.parseLong(o.getOrDefault("ts", "0")), closed));
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
