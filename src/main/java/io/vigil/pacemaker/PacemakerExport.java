package io.vigil.pacemaker;

import io.vigil.config.AuthMethod;
import io.vigil.config.AutoFailback;
import io.vigil.config.ClusterConfig;
import io.vigil.config.Directive;
import io.vigil.config.HaCfParser;
import io.vigil.config.HeartbeatSyntax;
import io.vigil.config.Medium;
import io.vigil.config.PingNode;
import io.vigil.config.ResourceGroup;
import io.vigil.config.ResourceSpec;
import io.vigil.config.Setting;
import io.vigil.config.VigilSettings;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Heartbeat configuration (as Vigil reads it) → Corosync 3 + Pacemaker 2 configuration. Pure: the host's answers
 * come in through {@link ExportHost}. The mapping, also in docs/pacemaker.md:
 * <ul>
 *   <li>nodes → the nodelist (node ids 1… in ha.cf order) and the CIB's nodes; two nodes → {@code two_node: 1};</li>
 *   <li>deadtime → {@code token}, so that token + consensus (1.2 × token, the detection time measured in the lab)
 *       plus {@code token_coefficient} per node above two is about the deadtime; keepalive → knet's link pings;</li>
 *   <li>initdead → {@code dc-deadtime} (how long a starting node waits for the others);</li>
 *   <li>authkeys → knet encryption (aes256 + sha256) with a key of Corosync's own;</li>
 *   <li>each haresources line → a group (resources in order) with a location preference of {@value #PREFERRED} for
 *       its node; auto_failback on/legacy → resource-stickiness 0 (groups go back), off →
 *       {@value #STICKY} per resource (groups stay);</li>
 *   <li>ping / ping_group → {@code ocf:pacemaker:ping} clones whose scores beat preference and stickiness, so groups
 *       run where the most ping nodes answer, as Vigil's connectivity rule (ipfail) does;</li>
 *   <li>stonith / stonith_host / vigil.fence-script → STONITH resources, else stonith-enabled=false and a warning;</li>
 *   <li>vigil.monitor.interval and the timeouts → every resource's operations; vigil.monitor.restarts →
 *       migration-threshold (the failures after which a group moves).</li>
 * </ul>
 */
public final class PacemakerExport {

    /** Location score of a group's preferred node. */
    public static final int PREFERRED = 100;
    /** resource-stickiness with auto_failback off: above {@link #PREFERRED}, so a running group stays. */
    public static final int STICKY = 200;
    /** Corosync's default {@code token_coefficient}, added to the token per node above two. */
    static final long TOKEN_COEFFICIENT_MS = 650;
    /** The shortest token the export writes: below it Corosync sees false failures on a loaded host. */
    static final long MIN_TOKEN_MS = 1000;

    /** Everything the export produces. */
    public record Export(CorosyncConf corosync, Cib cib, List<Mapping> mappings, List<String> warnings,
                         List<GeneratedFile> files) {
        public Export {
            mappings = List.copyOf(mappings);
            warnings = List.copyOf(warnings);
            files = List.copyOf(files);
        }

        public List<Mapping> untranslated() {
            return mappings.stream().filter(m -> !m.translated()).toList();
        }
    }

    private final ClusterConfig config;
    private final List<HaCfParser.Entry> haCfEntries;
    private final NodeAddresses.Result addresses;
    private final String clusterName;
    private final ExportHost host;
    private final List<Mapping> mappings = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<GeneratedFile> files = new ArrayList<>();
    private final Ids ids = new Ids();
    /** totem.token as written, and the token Corosync runs with (+ token_coefficient per node above two). */
    private final long token;
    private final long runtimeToken;
    private final boolean tokenFloored;

    private PacemakerExport(ClusterConfig config, List<HaCfParser.Entry> haCfEntries, NodeAddresses.Result addresses,
                            String clusterName, ExportHost host) {
        this.config = config;
        this.haCfEntries = haCfEntries;
        this.addresses = addresses;
        this.clusterName = clusterName;
        this.host = host;
        int n = config.nodes().size();
        long coefficient = n > 2 ? (n - 2) * TOKEN_COEFFICIENT_MS : 0;
        long t = (long) (config.deadtimeMs() / 2.2) / 100 * 100 - coefficient;
        this.tokenFloored = t < MIN_TOKEN_MS;
        this.token = Math.max(MIN_TOKEN_MS, t);
        this.runtimeToken = token + coefficient;
    }

    /**
     * @param config      the configuration as {@code vigil run} reads it
     * @param haCfEntries ha.cf's entries with their lines ({@link HaCfParser}): the STONITH lines Vigil itself ignores
     * @param addresses   node addresses ({@link NodeAddresses}); nodes without one get none in corosync.conf
     * @param clusterName Corosync's cluster name
     */
    public static Export translate(ClusterConfig config, List<HaCfParser.Entry> haCfEntries, NodeAddresses.Result addresses,
                                   String clusterName, ExportHost host) {
        return new PacemakerExport(config, haCfEntries, addresses, clusterName, host).run();
    }

    private Export run() {
        VigilSettings vigil = config.vigil();
        warnings.addAll(addresses.notes());
        CorosyncConf corosync = corosync();

        Map<String, String> properties = new LinkedHashMap<>();
        Map<String, String> defaults = new LinkedHashMap<>();
        int stickiness = config.autoFailback() == AutoFailback.OFF ? STICKY : 0;
        defaults.put("resource-stickiness", String.valueOf(stickiness));
        defaults.put("migration-threshold", String.valueOf(vigil.monitorRestarts() + 1));

        List<Cib.Op> ops = new ArrayList<>();
        if (vigil.monitorEnabled()) {
            ops.add(new Cib.Op("monitor", duration(vigil.monitorInterval()), duration(vigil.statusTimeout())));
        }
        ops.add(new Cib.Op("start", "0s", duration(vigil.startTimeout())));
        ops.add(new Cib.Op("stop", "0s", duration(vigil.stopTimeout())));

        List<Cib.Group> groups = new ArrayList<>();
        List<Cib.Location> locations = new ArrayList<>();
        ResourceTranslator resources = new ResourceTranslator(host, ids, ops, vigil, config.configDir());
        for (ResourceGroup g : config.groups()) {
            String origin = config.haresources() + ":" + g.line();
            String text = g.preferredNode() + " " + g.resources().stream().map(ResourceSpec::token).collect(Collectors.joining(" "));
            List<Cib.Primitive> members = new ArrayList<>();
            for (ResourceSpec spec : g.resources()) {
                ResourceTranslator.Outcome o = resources.translate(spec, "haresources:" + g.line() + " " + spec.token());
                if (o.primitive().isPresent()) {
                    members.add(o.primitive().get());
                    o.file().ifPresent(files::add);
                    mappings.add(Mapping.to(origin, spec.token(), o.primitive().get().agent() + " " + o.primitive().get().id(),
                            o.note()));
                } else {
                    mappings.add(Mapping.untranslated(origin, spec.token(), o.note()));
                    warnings.add(origin + ": group " + g.key() + " is exported without " + spec.token() + " (" + o.note() + ")");
                }
            }
            if (members.isEmpty()) {
                continue;
            }
            String id = ids.unique("grp-" + members.get(0).id());
            groups.add(new Cib.Group(id, members, "haresources:" + g.line() + " " + text));
            String loc = ids.unique(id + "-prefers-" + g.preferredNode());
            locations.add(new Cib.Prefers(loc, id, g.preferredNode(), String.valueOf(PREFERRED)));
            mappings.add(Mapping.to(origin, text, "group " + id + ", location " + loc + " (" + PREFERRED + ": "
                    + g.preferredNode() + ")", "resources start in order, stop in reverse, on one node"));
        }

        List<Cib.Clone> clones = ping(groups, locations, stickiness);
        List<Cib.Primitive> fencing = fencing(locations);
        properties.put("stonith-enabled", fencing.isEmpty() ? "false" : "true");
        properties.put("no-quorum-policy", "stop");
        properties.put("dc-deadtime", duration(Duration.ofMillis(config.initdeadMs())));
        if (fencing.isEmpty()) {
            warnings.add("No STONITH device configured: stonith-enabled=false. Shared data is then unprotected: a node "
                    + "that stops answering without stopping (hung, cut off) may keep its resources while another starts them. "
                    + "Configure a fence device (stonith_host in ha.cf or vigil.fence-script) before trusting shared storage to it.");
        }
        account(stickiness);

        List<Cib.Node> nodes = new ArrayList<>();
        for (int i = 0; i < config.nodes().size(); i++) {
            nodes.add(new Cib.Node(i + 1, config.nodes().get(i)));
        }
        Cib cib = new Cib(properties, defaults, nodes, groups, clones, fencing, locations);
        return new Export(corosync, cib, mappings, warnings, files);
    }

    // ------------------------------------------------------------------------------------------------ corosync.conf

    private CorosyncConf corosync() {
        int n = config.nodes().size();
        long coefficient = runtimeToken - token;
        Optional<CorosyncConf.KnetPing> knet = knetMaps()
                ? Optional.of(new CorosyncConf.KnetPing(config.keepaliveMs(), runtimeToken / 2)) : Optional.empty();
        List<CorosyncConf.Node> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = config.nodes().get(i);
            NodeAddresses.Resolved a = addresses.byNode().get(name);
            nodes.add(new CorosyncConf.Node(i + 1, name, a == null ? List.of() : a.addresses()));
        }
        List<String> comments = new ArrayList<>();
        comments.add("corosync.conf generated by `vigil export pacemaker` from " + config.haCf());
        comments.add("The same file goes to /etc/corosync/corosync.conf on every node.");
        comments.add("token " + token + " ms: deadtime " + config.deadtimeMs() + " ms ~ token + consensus (1.2 x token)"
                + (coefficient > 0 ? " with " + coefficient + " ms of token_coefficient for " + n + " nodes" : "")
                + (tokenFloored ? " (floored at " + MIN_TOKEN_MS + " ms)" : ""));
        for (String name : config.nodes()) {
            NodeAddresses.Resolved a = addresses.byNode().get(name);
            comments.add(name + ": " + (a == null ? "NO ADDRESS (give --node-address " + name + "=ADDR)"
                    : String.join(", ", a.addresses()) + " (" + a.source() + ")"));
        }
        Optional<String> facility = config.logfacility().filter(f -> !f.equals("none"));
        return new CorosyncConf(clusterName, token, knet, nodes, n == 2, facility, config.debugLevel() > 0, comments);
    }

    // ------------------------------------------------------------------------------------------------ ping nodes

    /**
     * One clone for the {@code ping} nodes, whose attribute {@code pingd} (multiplier × nodes answering) is the score
     * of each group on each node; one clone per {@code ping_group}, adding the multiplier where any member answers.
     */
    private List<Cib.Clone> ping(List<Cib.Group> groups, List<Cib.Location> locations, int stickiness) {
        List<Cib.Clone> clones = new ArrayList<>();
        if (config.pingNodes().isEmpty()) {
            return clones;
        }
        int maxMembers = groups.stream().mapToInt(g -> g.members().size()).max().orElse(1);
        long beat = PREFERRED + (long) stickiness * maxMembers;
        long multiplier = Math.max(1000, (beat / 1000 + 1) * 1000);
        long deadping = config.deadpingMs();
        String interval = duration(Duration.ofMillis(Math.max(1000, deadping / 2 / 1000 * 1000)));
        String dampen = duration(Duration.ofMillis(Math.max(1000, deadping / 2 / 1000 * 1000)));
        List<Cib.Op> ops = List.of(new Cib.Op("monitor", interval, "60s"), new Cib.Op("start", "0s", "60s"),
                new Cib.Op("stop", "0s", "20s"));
        List<PingNode> singles = config.pingNodes().stream().filter(p -> !p.group()).toList();
        if (!singles.isEmpty()) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("host_list", singles.stream().map(p -> p.addresses().get(0).getHostAddress()).collect(Collectors.joining(" ")));
            params.put("multiplier", String.valueOf(multiplier));
            params.put("dampen", dampen);
            String id = ids.unique("ping");
            clones.add(new Cib.Clone(ids.unique(id + "-clone"), new Cib.Primitive(id, "ocf", Optional.of("pacemaker"), "ping",
                    params, ops, "ha.cf ping " + singles.stream().map(PingNode::name).collect(Collectors.joining(" ")))));
            for (Cib.Group g : groups) {
                locations.add(new Cib.ScoreFromAttribute(ids.unique(g.id() + "-connectivity"), g.id(), "pingd"));
            }
        }
        for (PingNode group : config.pingNodes().stream().filter(PingNode::group).toList()) {
            String attribute = "pingd-" + Ids.valid(group.name());
            Map<String, String> params = new LinkedHashMap<>();
            params.put("host_list", group.addresses().stream().map(InetAddress::getHostAddress).collect(Collectors.joining(" ")));
            params.put("name", attribute);
            params.put("multiplier", "1");
            params.put("dampen", dampen);
            String id = ids.unique("ping-" + group.name());
            clones.add(new Cib.Clone(ids.unique(id + "-clone"), new Cib.Primitive(id, "ocf", Optional.of("pacemaker"), "ping",
                    params, ops, "ha.cf ping_group " + group.name())));
            for (Cib.Group g : groups) {
                locations.add(new Cib.ScoreIfPositive(ids.unique(g.id() + "-" + attribute), g.id(), String.valueOf(multiplier),
                        attribute));
            }
        }
        return clones;
    }

    // ------------------------------------------------------------------------------------------------ fencing

    private List<Cib.Primitive> fencing(List<Cib.Location> locations) {
        List<Cib.Primitive> devices = new ArrayList<>();
        List<Cib.Op> ops = List.of(new Cib.Op("monitor", "60s", "60s"));
        for (HaCfParser.Entry e : haCfEntries) {
            String origin = config.haCf() + ":" + e.line();
            String name = e.directive().name();
            if (!name.equals("stonith") && !name.equals("stonith_host")) {
                continue;
            }
            List<String> w = HeartbeatSyntax.split(e.value(), HeartbeatSyntax.WHITESPACE);
            String input = name + " " + e.value();
            int typeAt = name.equals("stonith") ? 0 : 1;
            if (w.size() < typeAt + 1) {
                mappings.add(Mapping.untranslated(origin, input, "no STONITH type on the line"));
                continue;
            }
            String from = name.equals("stonith") ? "*" : w.get(0).toLowerCase(Locale.ROOT);
            String type = w.get(typeAt);
            String info;
            if (name.equals("stonith")) {
                if (w.size() < 2) {
                    mappings.add(Mapping.untranslated(origin, input, "write `stonith <type> <config-file>`"));
                    continue;
                }
                Path file = Path.of(w.get(1));
                Optional<String> line = host.readLines().apply(file).flatMap(l -> l.stream()
                        .filter(s -> !s.isBlank() && !s.startsWith("#")).findFirst());
                if (line.isEmpty()) {
                    mappings.add(Mapping.untranslated(origin, input, "its configuration file " + file
                            + " cannot be read here (or is empty): write the stonith primitive by hand"));
                    continue;
                }
                info = line.get();
            } else {
                info = e.value().strip().substring(w.get(0).length()).strip().substring(type.length()).strip();
            }
            Optional<List<String>> names = host.stonithParameterNames().apply(type);
            if (names.isEmpty()) {
                mappings.add(Mapping.untranslated(origin, input, "STONITH type " + type + " is not known here (`stonith -t "
                        + type + " -n` failed; is cluster-glue installed?): write its primitive with named parameters by hand"));
                continue;
            }
            Optional<Map<String, String>> params = positional(names.get(), info);
            if (params.isEmpty()) {
                mappings.add(Mapping.untranslated(origin, input, type + " needs " + names.get().size() + " parameters ("
                        + String.join(" ", names.get()) + "), the line gives fewer; Heartbeat would refuse it too"));
                continue;
            }
            if (!from.equals("*") && !config.nodes().contains(from)) {
                mappings.add(Mapping.untranslated(origin, input, "the line is for host " + from + ", which is not a node"));
                continue;
            }
            Cib.Primitive p = new Cib.Primitive(ids.unique("fence-" + type.replace("external/", "")), "stonith",
                    Optional.empty(), type, params.get(), ops, "ha.cf:" + e.line() + " " + input);
            devices.add(p);
            String where = "";
            if (!from.equals("*")) {
                for (String other : config.nodes()) {
                    if (!other.equals(from)) {
                        locations.add(new Cib.Prefers(ids.unique(p.id() + "-not-on-" + other), p.id(), other, "-INFINITY"));
                    }
                }
                where = ", usable from " + from + " only (-INFINITY elsewhere), as stonith_host " + from + " meant";
            }
            mappings.add(Mapping.to(origin, input, "stonith:" + type + " " + p.id(), "parameters named in "
                    + type + "'s order (" + String.join(", ", names.get()) + ")" + where));
        }
        Optional<Path> script = config.vigil().fenceScript();
        if (script.isPresent()) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("hostlist", String.join(" ", config.nodes()));
            params.put("script", script.get().toString());
            Cib.Primitive p = new Cib.Primitive(ids.unique("fence-vigil"), "stonith", Optional.empty(), FenceScriptPlugin.TYPE,
                    params, ops, "vigil.fence-script " + script.get());
            devices.add(p);
            files.add(new GeneratedFile("stonith/" + FenceScriptPlugin.TYPE, FenceScriptPlugin.text(), true, FenceScriptPlugin.INSTALL));
        }
        return devices;
    }

    /** cluster-glue's Stonith-1 rule: values in the order of the names, the last one taking the rest of the line. */
    static Optional<Map<String, String>> positional(List<String> names, String info) {
        Map<String, String> p = new LinkedHashMap<>();
        String rest = info.strip();
        for (int i = 0; i < names.size(); i++) {
            if (rest.isEmpty()) {
                return Optional.empty();
            }
            if (i == names.size() - 1) {
                p.put(names.get(i), rest);
            } else {
                int sp = rest.indexOf(' ') < 0 ? rest.length() : rest.indexOf(' ');
                p.put(names.get(i), rest.substring(0, sp));
                rest = rest.substring(sp).strip();
            }
        }
        return Optional.of(p);
    }

    // ------------------------------------------------------------------------------------------------ accounting

    /** One mapping per ha.cf directive and Vigil setting that was given (not a default), and for authkeys. */
    private void account(int stickiness) {
        for (Setting s : config.effective()) {
            if (s.origin().startsWith("default") || s.name().equals("config-dir") || s.name().equals("local node")) {
                continue;
            }
            String in = s.name() + " " + s.value();
            String at = s.origin();
            Optional<Directive> d = Directive.byName(s.name());
            if (d.isPresent()) {
                directive(d.get(), at, in, stickiness);
            } else if (s.name().startsWith("vigil.")) {
                vigilKey(s.name(), at, in);
            }
        }
        AuthMethod method = config.authKeys().active().method();
        mappings.add(Mapping.to(config.authKeysFile().toString(), "auth " + config.authKeys().activeIndex() + " ("
                        + method.fileName() + ")", "totem crypto_cipher aes256, crypto_hash sha256",
                method == AuthMethod.CRC ? "crc authenticated nothing; Corosync encrypts and authenticates with its own key"
                        : "Corosync uses its own key (authkey), not the Heartbeat secret"));
        config.authKeys().keys().keySet().stream().filter(k -> k != config.authKeys().activeIndex()).sorted().forEach(k ->
                mappings.add(Mapping.untranslated(config.authKeysFile().toString(), "key " + k + " ("
                        + config.authKeys().keys().get(k).method().fileName() + ")", "not the active key; Corosync has one key")));
    }

    private void directive(Directive d, String at, String in, int stickiness) {
        String wire = "Heartbeat wire-protocol detail: Corosync's totem protocol has its own";
        switch (d.name()) {
            case "node" -> mappings.add(Mapping.to(at, in, "nodelist (nodeid 1.." + config.nodes().size() + ") and the CIB's nodes",
                    config.nodes().size() == 2 ? "two nodes: quorum two_node: 1" : config.nodes().size() + " nodes: majority quorum"));
            case "keepalive" -> mappings.add(knetMaps()
                    ? Mapping.to(at, in, "knet_ping_interval " + config.keepaliveMs(), "knet link check; knet_ping_timeout = token/2")
                    : Mapping.untranslated(at, in, "too long for knet's link check within the token; knet's defaults are used"));
            case "deadtime" -> mappings.add(Mapping.to(at, in, "totem token " + token, "failure detection ~ token + consensus"
                    + (tokenFloored ? "; floored at " + MIN_TOKEN_MS + " ms, so detection takes longer than the deadtime" : "")));
            case "initdead" -> mappings.add(Mapping.to(at, in, "dc-deadtime", "how long a starting node waits for the others"));
            case "deadping" -> mappings.add(Mapping.to(at, in, "ping monitor interval and dampen (deadping/2 each)", ""));
            case "warntime" -> mappings.add(Mapping.untranslated(at, in,
                    "Corosync logs no late-heartbeat warning; watch `corosync-cfgtool -s` for link trouble"));
            case "udpport" -> mappings.add(Mapping.untranslated(at, in, "Corosync (knet) uses UDP 5405, not Heartbeat's port: "
                    + "allow 5405 between the nodes; both can run side by side during the migration"));
            case "bcast", "ucast" -> mappings.add(Mapping.to(at, in, "knet link between the nodelist addresses", "knet is unicast"));
            case "mcast" -> mappings.add(Mapping.to(at, in, "knet link between the nodelist addresses",
                    "knet is unicast: the multicast group is not used"));
            case "ping", "ping_group" -> mappings.add(Mapping.to(at, in, "ocf:pacemaker:ping clone and a location rule per group",
                    "groups run where the most ping nodes answer"));
            case "auto_failback" -> mappings.add(Mapping.to(at, in, "resource-stickiness " + stickiness,
                    stickiness == 0 ? "groups return to their preferred node" : "groups stay where they run"));
            case "nice_failback" -> mappings.add(Mapping.untranslated(at, in, "obsolete; it had no effect in Heartbeat either"));
            case "logfile", "debugfile" -> mappings.add(Mapping.untranslated(at, in, "Corosync logs to /var/log/corosync/"
                    + "corosync.log and Pacemaker to /var/log/pacemaker/pacemaker.log"));
            case "logfacility" -> mappings.add(config.logfacility().filter(f -> !f.equals("none")).isPresent()
                    ? Mapping.to(at, in, "logging syslog_facility " + config.logfacility().get(), "Corosync; Pacemaker logs to syslog too")
                    : Mapping.to(at, in, "logging to_syslog: no", ""));
            case "debug" -> mappings.add(Mapping.to(at, in, "logging debug: " + (config.debugLevel() > 0 ? "on" : "off"), ""));
            case "max_rexmit_delay", "hbgenmethod", "msgfmt", "uuidfrom", "log_badpack", "autojoin" ->
                    mappings.add(Mapping.untranslated(at, in, wire));
            case "stonith", "stonith_host" -> {
                // accounted for line by line in fencing()
            }
            case "respawn" -> mappings.add(in.contains("ipfail")
                    ? Mapping.to(at, in, "the ping clone", "ipfail's job: groups follow connectivity")
                    : Mapping.untranslated(at, in, "Pacemaker starts no helper processes: run it as a systemd unit, "
                    + "or as an ocf:heartbeat:anything resource if it must follow the group"));
            case "watchdog" -> mappings.add(Mapping.untranslated(at, in, "use sbd with this watchdog device (not configured by the export)"));
            case "crm", "pacemaker" -> mappings.add(Mapping.untranslated(at, in, "Pacemaker now runs on Corosync, not inside Heartbeat"));
            case "realtime", "rtprio" -> mappings.add(Mapping.untranslated(at, in, "Corosync runs with real-time priority by itself"));
            case "apiauth" -> mappings.add(Mapping.untranslated(at, in, "Pacemaker has no Heartbeat API clients "
                    + "(ipfail's job is the ping clone's)"));
            case "cluster" -> mappings.add(clusterName.equals(config.effective().stream().filter(x -> x.name().equals("cluster"))
                    .map(Setting::value).findFirst().orElse(""))
                    ? Mapping.to(at, in, "totem cluster_name", "") : Mapping.untranslated(at, in, "--cluster-name given instead"));
            case "quorum_server" -> mappings.add(Mapping.untranslated(at, in, "use corosync-qdevice with a corosync-qnetd server"));
            case "mcast6", "ucast6" -> mappings.add(Mapping.untranslated(at, in, "give the nodes' IPv6 addresses with --node-address "
                    + "for an IPv6 knet link"));
            case "ping6" -> mappings.add(Mapping.untranslated(at, in, "add the address to an ocf:pacemaker:ping host_list by hand"));
            case "serial", "baud" -> mappings.add(Mapping.untranslated(at, in, "Corosync has no serial links: use a second network link"));
            default -> mappings.add(Mapping.untranslated(at, in, "Heartbeat setting with no Corosync or Pacemaker counterpart"));
        }
    }

    private void vigilKey(String key, String at, String in) {
        switch (key) {
            case "vigil.fence-script" -> mappings.add(Mapping.to(at, in, "stonith:" + FenceScriptPlugin.TYPE,
                    "a generated cluster-glue plugin runs the script; install it as " + FenceScriptPlugin.INSTALL + " on every node"));
            case "vigil.monitor.interval" -> mappings.add(Mapping.to(at, in, config.vigil().monitorEnabled()
                    ? "op monitor interval of every resource" : "no monitor operation", ""));
            case "vigil.monitor.restarts" -> mappings.add(Mapping.to(at, in, "migration-threshold "
                    + (config.vigil().monitorRestarts() + 1), "failures before a group moves: restarts + 1"));
            case "vigil.resource.start-timeout", "vigil.resource.stop-timeout", "vigil.resource.status-timeout" ->
                    mappings.add(Mapping.to(at, in, "op " + (key.contains("start") ? "start" : key.contains("stop") ? "stop" : "monitor")
                            + " timeout of every resource", ""));
            case "vigil.arp.count", "vigil.arp.interval" -> mappings.add(Mapping.to(at, in, "IPaddr2 " + (key.endsWith("count")
                    ? "arp_count" : "arp_interval (ms)"), "written when it differs from IPaddr2's default"));
            case "vigil.state-dir" -> mappings.add(Mapping.untranslated(at, in, "Pacemaker keeps its state in /var/lib/pacemaker"));
            case "vigil.metrics.port", "vigil.metrics.host" -> mappings.add(Mapping.untranslated(at, in,
                    "Pacemaker has no metrics endpoint: use crm_mon (--output-as=xml) or a Prometheus exporter such as ha_cluster_exporter"));
            default -> mappings.add(Mapping.untranslated(at, in, "no Pacemaker equivalent"));
        }
    }

    /** keepalive becomes knet's ping interval when two pings fit in knet's link timeout (half the token). */
    private boolean knetMaps() {
        return config.keepaliveMs() * 2 <= runtimeToken / 2;
    }

    /** {@code 10s}, {@code 1500ms}: Pacemaker's interval syntax. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
