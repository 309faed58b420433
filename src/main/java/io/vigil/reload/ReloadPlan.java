package io.vigil.reload;

import io.vigil.config.AuthKeys;
import io.vigil.config.AutoFailback;
import io.vigil.config.ClusterConfig;
import io.vigil.config.ResourceGroup;
import io.vigil.config.ResourceSpec;
import io.vigil.config.Setting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a reload would do: the running configuration and the one just read from the files → per directive and per
 * haresources group, unchanged, applied (and how) or refused (and why). Pure: it reads no file and changes nothing.
 * One refused change refuses the whole reload, so nothing is ever half-applied; the daemon applies an accepted plan
 * at its edges (media, timers, the node's core).
 *
 * <p>What changes live, and why the rest does not:
 * <ul>
 * <li>timings ({@code keepalive}, {@code deadtime}, {@code warntime}, {@code deadping}, {@code initdead}): each node
 *     judges a peer by the deadtime the peer itself advertises in every status ({@code dt}), so a new deadtime reaches
 *     the peers with the next status (sent at once) and nobody is declared dead by the change;</li>
 * <li>media ({@code bcast}, {@code mcast}, {@code ucast}, {@code mcast6}, {@code ucast6}) on the same {@code udpport}:
 *     the new sockets are opened before the old ones close, so the media kept never go silent;</li>
 * <li>haresources groups added (placed as at start-up) or removed (stopped here); authkeys;
 *     {@code auto_failback} between on and off; {@code vigil.monitor.interval}, {@code vigil.monitor.restarts}.</li>
 * </ul>
 * Refused: this node's name (its peers and its generation know it by it), the node list (placement order and
 * comm-up of every group; nodes with different lists place groups differently), {@code udpport} (peers still on the
 * old port would be lost), ping nodes (connectivity compares the counts of the nodes: different ping sets on two
 * nodes would move groups), {@code auto_failback legacy} to or from on/off (another resource protocol), a group
 * whose resources or preferred node changed (it would have to stop: remove it, reload, add it back, reload), and
 * every other setting, read at start only (restart to change it).
 */
public final class ReloadPlan {

    /** What becomes of one directive or group. */
    public enum Verdict { UNCHANGED, APPLIED, REFUSED }

    /**
     * @param subject the directive or Vigil key ({@code deadtime}), {@code group <key>} or {@code authkeys}
     * @param change  {@code old → new} ({@code ""} when unchanged)
     * @param how     how it is applied, or why it is refused
     */
    public record Item(String subject, Verdict verdict, String change, String how) {
    }

    /** Timings the failure detector and the engine read at every use: applied by handing them the new settings. */
    static final Set<String> TIMINGS = Set.of("keepalive", "deadtime", "warntime", "deadping", "initdead");
    static final Set<String> MEDIA = Set.of("bcast", "mcast", "ucast", "mcast6", "ucast6");
    /** Not compared as settings: the same directory by construction, and the node name judged on its own. */
    private static final Set<String> NOT_COMPARED = Set.of("config-dir", "local node");

    private static final Map<String, String> REFUSED_WHY = Map.of(
            "node", "the node list decides every group's placement order and comm-up; nodes with different lists "
                    + "would place groups differently: change it with a restart of each node",
            "udpport", "every medium's port: the peers still on the old port would be lost until every node changed; "
                    + "change it with a restart of each node",
            "ping", "connectivity compares the ping counts of the nodes: while the nodes had different ping nodes, "
                    + "groups would move to the node reaching more; change them with a restart",
            "ping_group", "connectivity compares the ping counts of the nodes: while the nodes had different ping "
                    + "nodes, groups would move to the node reaching more; change them with a restart",
            "vigil.ping-policy", "connectivity compares the ping counts of the nodes: change it with a restart");

    private final List<Item> items;
    private final List<ResourceGroup> added;
    private final List<ResourceGroup> removed;
    private final boolean mediaChanged;
    private final boolean monitorIntervalChanged;

    private ReloadPlan(List<Item> items, List<ResourceGroup> added, List<ResourceGroup> removed, boolean mediaChanged,
                       boolean monitorIntervalChanged) {
        this.items = List.copyOf(items);
        this.added = List.copyOf(added);
        this.removed = List.copyOf(removed);
        this.mediaChanged = mediaChanged;
        this.monitorIntervalChanged = monitorIntervalChanged;
    }

    /** The plan that takes a node running {@code running} to {@code next}. */
    public static ReloadPlan of(ClusterConfig running, ClusterConfig next) {
        List<Item> items = new ArrayList<>();
        if (!running.localNode().equals(next.localNode())) {
            items.add(new Item("local node", Verdict.REFUSED, running.localNode() + " → " + next.localNode(),
                    "this node's name identifies it to its peers and keys its generation: change it with a restart"));
        }
        Map<String, Setting> before = byName(running.effective());
        Map<String, Setting> after = byName(next.effective());
        Set<String> names = new LinkedHashSet<>(before.keySet());
        names.addAll(after.keySet());
        boolean media = false;
        boolean monitorInterval = false;
        for (String name : names) {
            if (NOT_COMPARED.contains(name)) {
                continue;
            }
            String was = value(before.get(name));
            String now = value(after.get(name));
            if (was.equals(now)) {
                items.add(new Item(name, Verdict.UNCHANGED, "", ""));
                continue;
            }
            String change = was + " → " + now;
            items.add(directive(name, change, running, next));
            media |= MEDIA.contains(name);
            monitorInterval |= name.equals("vigil.monitor.interval");
        }
        if (!sameKeys(running.authKeys(), next.authKeys())) {
            items.add(new Item("authkeys", Verdict.APPLIED, "auth " + running.authKeys().activeIndex() + " → auth "
                    + next.authKeys().activeIndex(), "the new keys sign and verify from now on (the previous active "
                    + "key is still accepted for vigil.auth.rotation-window)"));
        } else {
            items.add(new Item("authkeys", Verdict.UNCHANGED, "", ""));
        }
        List<ResourceGroup> added = new ArrayList<>();
        List<ResourceGroup> removed = new ArrayList<>();
        groups(running, next, items, added, removed);
        return new ReloadPlan(items, added, removed, media, monitorInterval);
    }

    private static Item directive(String name, String change, ClusterConfig running, ClusterConfig next) {
        if (TIMINGS.contains(name)) {
            return new Item(name, Verdict.APPLIED, change, switch (name) {
                case "keepalive" -> "keepalive timer re-armed, a status sent at once";
                case "deadtime" -> "advertised to the peers in the status sent at once (dt); they judge us by it";
                case "warntime" -> "late-heartbeat warnings use it from now on";
                case "deadping" -> "ping nodes are judged by it from now on";
                default -> "recorded: initdead only matters before comm-up";
            });
        }
        if (MEDIA.contains(name)) {
            return new Item(name, Verdict.APPLIED, change, "the new media are opened before the old ones are closed: "
                    + "the media kept never go silent");
        }
        if (name.equals("auto_failback")) {
            boolean legacy = running.autoFailback() == AutoFailback.LEGACY || next.autoFailback() == AutoFailback.LEGACY;
            return legacy ? new Item(name, Verdict.REFUSED, change, "legacy is another resource protocol (ip-request) "
                    + "than on/off (nice_failback): change it with a restart")
                    : new Item(name, Verdict.APPLIED, change, "failback decisions use it from now on; nothing moves "
                    + "at the reload itself");
        }
        if (name.equals("vigil.monitor.interval")) {
            return new Item(name, Verdict.APPLIED, change, "monitor timer re-armed");
        }
        if (name.equals("vigil.monitor.restarts")) {
            return new Item(name, Verdict.APPLIED, change, "used at the next failed status check");
        }
        String why = REFUSED_WHY.get(name);
        return new Item(name, Verdict.REFUSED, change, why != null ? why
                : "read at start only: change it with a restart");
    }

    private static void groups(ClusterConfig running, ClusterConfig next, List<Item> items, List<ResourceGroup> added,
                               List<ResourceGroup> removed) {
        Map<String, ResourceGroup> before = new LinkedHashMap<>();
        running.groups().forEach(g -> before.put(g.key(), g));
        Map<String, ResourceGroup> after = new LinkedHashMap<>();
        next.groups().forEach(g -> after.put(g.key(), g));
        for (ResourceGroup g : next.groups()) {
            ResourceGroup old = before.get(g.key());
            String subject = "group " + g.key();
            if (old == null) {
                added.add(g);
                items.add(new Item(subject, Verdict.APPLIED, "added: " + describe(g),
                        "placed as at start-up: its placement node starts it once no node holds it"));
            } else if (!describe(old).equals(describe(g))) {
                items.add(new Item(subject, Verdict.REFUSED, describe(old) + " → " + describe(g),
                        "a changed group would have to stop: remove it and reload, then add it back and reload"));
            } else {
                items.add(new Item(subject, Verdict.UNCHANGED, "", "not touched"));
            }
        }
        for (ResourceGroup g : running.groups()) {
            if (!after.containsKey(g.key())) {
                removed.add(g);
                items.add(new Item("group " + g.key(), Verdict.APPLIED, "removed: " + describe(g),
                        "stopped here if held here; a node that still has it in its haresources may take it over: "
                                + "reload the nodes that do not hold it first"));
            }
        }
    }

    private static boolean sameKeys(AuthKeys a, AuthKeys b) {
        return a.activeIndex() == b.activeIndex() && a.keys().keySet().equals(b.keys().keySet())
                && a.keys().keySet().stream().allMatch(i -> a.keys().get(i).method() == b.keys().get(i).method()
                && java.util.Arrays.equals(a.keys().get(i).key(), b.keys().get(i).key()));
    }

    /** A group as its haresources line says it, without its line number. */
    static String describe(ResourceGroup g) {
        return g.preferredNode() + " " + g.resources().stream().map(ResourceSpec::canonical)
                .collect(Collectors.joining(" "));
    }

    private static Map<String, Setting> byName(List<Setting> settings) {
        Map<String, Setting> r = new LinkedHashMap<>();
        settings.forEach(s -> r.put(s.name(), s));
        return r;
    }

    private static String value(Setting s) {
        return s == null ? "(not set)" : s.value();
    }

    // ---------------------------------------------------------------- reading the plan

    public List<Item> items() {
        return items;
    }

    public List<Item> refusals() {
        return items.stream().filter(i -> i.verdict() == Verdict.REFUSED).toList();
    }

    public boolean refused() {
        return !refusals().isEmpty();
    }

    /** Nothing to apply: every item unchanged. */
    public boolean unchanged() {
        return items.stream().allMatch(i -> i.verdict() == Verdict.UNCHANGED);
    }

    public List<ResourceGroup> added() {
        return added;
    }

    public List<ResourceGroup> removed() {
        return removed;
    }

    public boolean mediaChanged() {
        return mediaChanged;
    }

    public boolean monitorIntervalChanged() {
        return monitorIntervalChanged;
    }

    /** The changes applied, one line each, for the reload's answer and the log. */
    public String summary() {
        List<String> changed = items.stream().filter(i -> i.verdict() == Verdict.APPLIED)
                .map(i -> i.subject() + " (" + i.change() + ")").toList();
        return changed.isEmpty() ? "nothing changed" : String.join("; ", changed);
    }

    /** Why the reload is refused, every refused item. */
    public String refusalText() {
        return refusals().stream().map(i -> i.subject() + " (" + i.change() + "): " + i.how())
                .collect(Collectors.joining("; "));
    }

    /** check-config --diff: every change with its verdict, the unchanged groups, then the unchanged settings. */
    public String render() {
        StringBuilder b = new StringBuilder();
        int width = items.stream().filter(i -> i.verdict() != Verdict.UNCHANGED || i.subject().startsWith("group "))
                .mapToInt(i -> i.subject().length()).max().orElse(8);
        String format = "  %-" + width + "s  %s%n";
        for (Item i : items) {
            if (i.verdict() == Verdict.UNCHANGED && !i.subject().startsWith("group ")) {
                continue;
            }
            String text = switch (i.verdict()) {
                case UNCHANGED -> "unchanged (" + i.how() + ")";
                case APPLIED -> "changed: " + i.change() + "\n" + " ".repeat(width + 4) + "→ applied: " + i.how();
                case REFUSED -> "changed: " + i.change() + "\n" + " ".repeat(width + 4) + "→ REFUSED: " + i.how();
            };
            b.append(String.format(format, i.subject(), text));
        }
        List<String> same = items.stream().filter(i -> i.verdict() == Verdict.UNCHANGED
                && !i.subject().startsWith("group ")).map(Item::subject).toList();
        b.append("  unchanged: ").append(same.isEmpty() ? "(none)" : String.join(", ", same)).append('\n');
        if (refused()) {
            b.append("A reload would be REFUSED (").append(refusals().size())
                    .append(refusals().size() == 1 ? " change" : " changes")
                    .append(" cannot be applied live); the running configuration would be kept.\n");
        } else if (unchanged()) {
            b.append("A reload would change nothing.\n");
        } else {
            b.append("A reload would apply every change above in place; groups not named above are not touched.\n");
        }
        return b.toString();
    }
}
