package io.vigil.config;

import io.smallrye.config.ConfigValue;
import io.smallrye.config.SmallRyeConfig;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Gives meaning to the ha.cf directives: reads each one's effective values (from ha.cf or an override), checks them
 * with Heartbeat's rules, then applies the defaults and cross-checks of Heartbeat's init_config in its order.
 */
final class HaCfInterpreter {

    /** One value handed to a directive's handler, and where it came from. */
    record Value(String text, Origin origin) {
    }

    static final int MAX_NODES = 100;
    static final int MAX_NODE_NAME = 99;
    private static final Set<String> FACILITIES = Set.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr",
            "news", "uucp", "cron", "authpriv", "ftp", "local0", "local1", "local2", "local3", "local4", "local5",
            "local6", "local7", "none");

    private final Path file;
    private final List<HaCfParser.Entry> entries;
    private final SmallRyeConfig config;
    private final String haCfSource;
    private final Map<String, Origin> namedSources;
    private final ConfigEnvironment host;
    private final List<ConfigProblem> problems;
    final List<Setting> effective = new ArrayList<>();

    // Results, with Heartbeat's defaults.
    final List<String> nodes = new ArrayList<>();
    Origin nodesOrigin = Origin.at(Path.of("ha.cf"), 0);
    long keepaliveMs = 1000;
    Origin keepaliveOrigin = Origin.DEFAULT;
    long deadtimeMs = 30000;
    Origin deadtimeOrigin = Origin.DEFAULT;
    long warntimeMs = -1;
    Origin warntimeOrigin;
    long initdeadMs = -1;
    Origin initdeadOrigin;
    long deadpingMs = -1;
    Origin deadpingOrigin;
    int udpPort = 694;
    private List<Value> udpPortValues = List.of();
    final List<Medium> media = new ArrayList<>();
    /** ha.cf line of each medium (overrides last), to list media in file order as Heartbeat creates them. */
    private final Map<Medium, Integer> mediumLines = new java.util.IdentityHashMap<>();
    final List<PingNode> pingNodes = new ArrayList<>();
    AutoFailback autoFailback = AutoFailback.LEGACY;
    Origin autoFailbackOrigin = Origin.DEFAULT;
    String logfile;
    String debugfile;
    String logfacility;
    Boolean useLogd;
    Origin useLogdOrigin;
    int debugLevel = 0;
    int maxRexmitDelayMs = 250;
    String hbgenmethod = "file";
    String msgfmt = "classic";
    String uuidfrom = "file";
    String autojoin = "none";
    Origin autojoinOrigin = Origin.DEFAULT;
    boolean logBadpack = true;
    /** stonith / stonith_host lines as read, filtered for this node in {@link #finish}. */
    private final List<StonithLine> stonithLines = new ArrayList<>();
    final List<StonithDevice> stonith = new ArrayList<>();
    Path watchdog;
    private Origin watchdogOrigin;

    /** One stonith or stonith_host line: {@code host} is null for {@code stonith} (usable from every node). */
    private record StonithLine(String host, StonithDevice device) {
    }
    final List<RespawnClient> respawnClients = new ArrayList<>();
    /** The values Heartbeat records for cl_status hbparameter: the accepted text of each recorded directive. */
    private final Map<String, String> recorded = new LinkedHashMap<>();
    /** ha.cf line of each node and ping node (overrides last): Heartbeat's node table is in file order. */
    private final Map<String, Integer> nodeLines = new LinkedHashMap<>();
    /** {@code env NAME=value} lines as the variables Heartbeat exported: {@code HA_NAME=value}. */
    final Map<String, String> haEnv = new LinkedHashMap<>();

    HaCfInterpreter(Path file, List<HaCfParser.Entry> entries, SmallRyeConfig config, String haCfSource,
                    Map<String, Origin> namedSources, ConfigEnvironment host, List<ConfigProblem> problems) {
        this.file = file;
        this.entries = entries;
        this.config = config;
        this.haCfSource = haCfSource;
        this.namedSources = namedSources;
        this.host = host;
        this.problems = problems;
        this.nodesOrigin = Origin.at(file, 0);
    }

    /** Every directive, in table order (udpport before the media that read it). */
    void interpret() {
        for (Directive d : Directive.all()) {
            List<Value> values = values(d);
            if (values.isEmpty()) {
                continue;
            }
            if (!d.actedOn() && !values.get(0).origin().file().equals(file)) {
                problems.add(values.get(0).origin().warning("'" + d.name()
                        + "' is accepted for Heartbeat compatibility but ignored by Vigil", d.hint()));
            }
            List<String> shown = new ArrayList<>();
            for (Value v : values) {
                String text = handle(d, v);
                if (text != null) {
                    shown.add(text);
                    if (HeartbeatParameters.RECORDED.contains(d.name())) {
                        recorded.put(d.name(), v.text());
                    }
                }
            }
            if (shown.isEmpty()) {
                continue;
            }
            String value = d.multi() ? String.join(", ", shown) : shown.get(shown.size() - 1);
            effective.add(new Setting(d.name(), value, describe(d.multi() ? values : List.of(values.get(values.size() - 1))),
                    d.actedOn()));
        }
    }

    /** The values of a directive: ha.cf's own entries (with their lines) unless a higher source overrides the key. */
    List<Value> values(Directive d) {
        ConfigValue cv = config.getConfigValue(d.key());
        if (cv == null || cv.getValue() == null) {
            return List.of();
        }
        if (haCfSource.equals(cv.getConfigSourceName())) {
            return entries.stream().filter(e -> e.directive().equals(d))
                    .map(e -> new Value(e.value(), Origin.at(file, e.line()))).toList();
        }
        Origin origin = originOf(cv, d.envName());
        List<String> parts = d.wholeLine()
                ? HeartbeatSyntax.split(cv.getValue(), ",").stream().map(String::strip).filter(s -> !s.isEmpty()).toList()
                : HeartbeatSyntax.split(cv.getValue(), HeartbeatSyntax.DELIMS);
        return parts.stream().map(p -> new Value(p, origin)).toList();
    }

    /** Names the source of a value that did not come from ha.cf. */
    Origin originOf(ConfigValue cv, String envName) {
        String source = cv.getConfigSourceName();
        if (source == null) {
            return Origin.DEFAULT;
        }
        Origin named = namedSources.get(source);
        if (named != null) {
            return cv.getLineNumber() > 0 ? Origin.at(named.file(), cv.getLineNumber()) : named;
        }
        if (source.startsWith("EnvConfigSource")) {
            return Origin.of("env " + envName);
        }
        if (source.contains("SysPropConfigSource")) {
            return Origin.of("system property " + cv.getName());
        }
        if (source.startsWith("DefaultValuesConfigSource")) {
            return Origin.DEFAULT;
        }
        return Origin.of(source);
    }

    private static String describe(List<Value> values) {
        Map<Path, List<Origin>> byFile = values.stream().map(Value::origin).distinct()
                .collect(Collectors.groupingBy(Origin::file, LinkedHashMap::new, Collectors.toList()));
        List<String> parts = new ArrayList<>();
        byFile.forEach((f, origins) -> {
            if (origins.get(0).line() > 0) {
                parts.add(f + ":" + origins.stream().map(o -> String.valueOf(o.line())).collect(Collectors.joining(",")));
            } else {
                parts.add(origins.get(0).label());
            }
        });
        return String.join("; ", parts);
    }

    /** Applies one value; returns its text for the effective table, or null if it was rejected. */
    private String handle(Directive d, Value v) {
        Origin at = v.origin();
        String t = v.text();
        switch (d.syntax()) {
            case TIME -> {
                long ms = HeartbeatSyntax.parseMsec(t);
                if (ms < 0) {
                    problems.add(at.error("Invalid time [" + t + "] for " + d.name(), timeFix(t)));
                    return null;
                }
                return time(d, at, t, ms);
            }
            case BOOL -> {
                Optional<Boolean> b = HeartbeatSyntax.parseBoolean(t);
                if (b.isEmpty()) {
                    problems.add(at.error("Invalid boolean [" + t + "] for " + d.name(),
                            "use on/off, yes/no, true/false, y/n or 1/0"));
                    return null;
                }
                bool(d, at, b.get());
                return b.get() ? "on" : "off";
            }
            case INT, PORT -> {
                return integer(d, at, t);
            }
            case CHOICE -> {
                if (!d.choices().contains(t)) {
                    String message = d.name().equals("hbgenmethod") ? "Illegal hb generation method [" + t + "]"
                            : "Invalid " + d.name() + " [" + t + "]";
                    problems.add(at.error(message, "use one of: " + String.join(", ", d.choices())));
                    return null;
                }
                switch (d.name()) {
                    case "hbgenmethod" -> hbgenmethod = t;
                    case "msgfmt" -> msgfmt = t;
                    case "uuidfrom" -> uuidfrom = t;
                    case "autojoin" -> {
                        autojoin = t;
                        autojoinOrigin = at;
                    }
                    default -> {
                    }
                }
                return t;
            }
            case AUTO_FAILBACK -> {
                Optional<Boolean> b = HeartbeatSyntax.parseBoolean(t);
                if (b.isEmpty() && !t.equals("legacy")) {
                    problems.add(at.error("Invalid auto_failback [" + t + "]", "use on, off or legacy"));
                    return null;
                }
                autoFailback = b.map(on -> on ? AutoFailback.ON : AutoFailback.OFF).orElse(AutoFailback.LEGACY);
                autoFailbackOrigin = at;
                return autoFailback.name().toLowerCase(Locale.ROOT);
            }
            case FACILITY -> {
                if (!FACILITIES.contains(t)) {
                    problems.add(at.error("Log facility(" + t + ") not valid", "use a syslog facility such as daemon or local0, or none"));
                    return null;
                }
                logfacility = t;
                return t;
            }
            case TEXT -> {
                switch (d.name()) {
                    case "logfile" -> logfile = t;
                    case "debugfile" -> debugfile = t;
                    case "watchdog" -> {
                        return watchdog(at, t);
                    }
                    default -> {
                    }
                }
                return t;
            }
            case NODE -> {
                return node(at, t);
            }
            case INTERFACE -> {
                checkInterface(at, t);
                Medium.Bcast m = new Medium.Bcast(t, portAt(at));
                addMedium(at, m);
                return t + " (port " + m.port() + ")";
            }
            case MCAST -> {
                return mcast(at, t);
            }
            case UCAST -> {
                return ucast(at, t);
            }
            case IP -> {
                Optional<InetAddress> address = address(t);
                if (address.isEmpty()) {
                    problems.add(at.error("ping node [" + t + "] is not an IP address or a known host name", "write the router's IP address"));
                    return null;
                }
                pingNodes.add(new PingNode(t, List.of(address.get()), false));
                nodeLine(at, t);
                return t;
            }
            case PING_GROUP -> {
                return pingGroup(at, t);
            }
            case STONITH -> {
                return stonith(at, t);
            }
            case STONITH_HOST -> {
                return stonithHost(at, t);
            }
            case MCAST6 -> {
                return mcast6(at, t);
            }
            case UCAST6 -> {
                return ucast6(at, t);
            }
            case IP6 -> {
                Optional<InetAddress> address = address(t).filter(a -> a instanceof java.net.Inet6Address);
                if (address.isEmpty()) {
                    problems.add(at.error("ping6 node [" + t + "] is not an IPv6 address or a host name with one",
                            "write the router's IPv6 address, e.g. ping6 2001:db8::1"));
                    return null;
                }
                pingNodes.add(new PingNode(t, List.of(address.get()), false));
                nodeLine(at, t);
                return t;
            }
            case CLIENT_CHILD -> {
                return clientChild(d, at, t);
            }
            case ENV -> {
                int eq = t.indexOf('=');
                if (eq <= 0) {
                    problems.add(at.error("set_env: invalid nvpair(" + t + ")", "write `env NAME=value` (it becomes HA_NAME=value)"));
                    return null;
                }
                haEnv.put("HA_" + t.substring(0, eq), t.substring(eq + 1));
                return t;
            }
            case ANY -> {
                return t;
            }
        }
        return t;
    }

    /** {@code watchdog <device>}: once only (heartbeat.c), an absolute path. */
    private String watchdog(Origin at, String t) {
        if (watchdog != null) {
            problems.add(at.error("Watchdog device multiply specified.", "keep one `watchdog` line (first at "
                    + watchdogOrigin.label() + ")"));
            return null;
        }
        Path p = Path.of(t);
        if (!p.isAbsolute()) {
            problems.add(at.error("Invalid watchdog device [" + t + "]", "give the device's absolute path, e.g. /dev/watchdog"));
            return null;
        }
        watchdog = p;
        watchdogOrigin = at;
        return t;
    }

    private static final java.util.regex.Pattern STONITH_TYPE = java.util.regex.Pattern.compile("[A-Za-z0-9_.+-]+(/[A-Za-z0-9_.+-]+)?");

    /** {@code stonith <type> <config-file>} (config.c:1816-1871). */
    private String stonith(Origin at, String line) {
        List<String> f = HeartbeatSyntax.split(line, HeartbeatSyntax.WHITESPACE);
        if (f.isEmpty() || !STONITH_TYPE.matcher(f.get(0)).matches()) {
            problems.add(at.error("Invalid Stonith type [" + (f.isEmpty() ? "" : f.get(0)) + "]",
                    "write `stonith <type> <config-file>`; `stonith -L` lists the types"));
            return null;
        }
        if (f.size() != 2) {
            problems.add(at.error("Invalid Stonith config file [" + (f.size() < 2 ? "" : String.join(" ", f.subList(1, f.size())))
                    + "]", "write `stonith " + f.get(0) + " <config-file>` (one file, holding the device's parameters)"));
            return null;
        }
        Path cfg = Path.of(f.get(1));
        if (!cfg.isAbsolute() || !java.nio.file.Files.isRegularFile(cfg) || !java.nio.file.Files.isReadable(cfg)) {
            problems.add(at.error("Invalid Stonith config file [" + f.get(1) + "]",
                    "give the absolute path of a readable file with the parameters of " + f.get(0) + " (see `stonith -t " + f.get(0) + " -h`)"));
            return null;
        }
        stonithLines.add(new StonithLine(null, new StonithDevice(f.get(0), Optional.of(cfg), "", at)));
        return line.strip();
    }

    /** {@code stonith_host <node|*> <type> <params…>} (config.c:1882-1970). */
    private String stonithHost(Origin at, String line) {
        List<String> f = HeartbeatSyntax.split(line, HeartbeatSyntax.WHITESPACE);
        if (f.size() < 2) {
            problems.add(at.error("Invalid Stonith type [" + (f.size() < 2 ? "" : f.get(1)) + "]",
                    "write `stonith_host <node|*> <type> <params…>`, e.g. `stonith_host * external/ipmi linux2 192.0.2.2 admin secret lan`"));
            return null;
        }
        if (!STONITH_TYPE.matcher(f.get(1)).matches()) {
            problems.add(at.error("Invalid Stonith type [" + f.get(1) + "]", "`stonith -L` lists the types"));
            return null;
        }
        String host = f.get(0).toLowerCase(Locale.ROOT);
        // the parameters as written after the type, spaces kept: the plugin splits them itself (stonith -p)
        String params = line.strip().substring(f.get(0).length()).stripLeading().substring(f.get(1).length()).strip();
        stonithLines.add(new StonithLine(host, new StonithDevice(f.get(1), Optional.empty(), params, at)));
        return line.strip();
    }

    private static String timeFix(String t) {
        if (t.startsWith("ms") || t.startsWith("us")) {
            return "write the unit right after the number, without a space (e.g. 500ms)";
        }
        if (t.matches("[0-9.]+\\s*(s|sec|secs|second|seconds)")) {
            return "ha.cf times are seconds by default: write " + t.replaceAll("[^0-9.]", "") + " (or "
                    + t.replaceAll("[^0-9.]", "") + "000ms); a unit 's' is not accepted";
        }
        return "write seconds (10) or milliseconds with ms (500ms); s, sec and m are not accepted";
    }

    private String time(Directive d, Origin at, String t, long ms) {
        switch (d.name()) {
            case "keepalive" -> {
                if (ms <= 0) {
                    problems.add(at.error("Invalid keepalive [" + t + "]", "keepalive must be greater than 0"));
                    return null;
                }
                keepaliveMs = ms;
                keepaliveOrigin = at;
            }
            case "deadtime" -> {
                deadtimeMs = ms;
                deadtimeOrigin = at;
            }
            case "warntime" -> {
                if (ms <= 0) {
                    problems.add(at.error("Warn time [" + t + "] is invalid.", "give a time greater than 0, e.g. half the deadtime"));
                    return null;
                }
                warntimeMs = ms;
                warntimeOrigin = at;
            }
            case "initdead" -> {
                initdeadMs = ms;
                initdeadOrigin = at;
            }
            case "deadping" -> {
                deadpingMs = ms;
                deadpingOrigin = at;
            }
            default -> {
            }
        }
        return HeartbeatSyntax.formatMs(ms);
    }

    private void bool(Directive d, Origin at, boolean b) {
        switch (d.name()) {
            case "log_badpack" -> logBadpack = b;
            case "use_logd" -> {
                useLogd = b;
                useLogdOrigin = at;
            }
            case "nice_failback" -> problems.add(at.warning("nice_failback flag is obsolete. Use auto_failback {on, off, legacy} instead.",
                    "replace it by `auto_failback " + (b ? "off" : "legacy") + "`; as in Heartbeat it has no effect"));
            default -> {
            }
        }
    }

    private String integer(Directive d, Origin at, String t) {
        long n;
        try {
            n = Long.parseLong(t);
        } catch (NumberFormatException e) {
            n = Long.MIN_VALUE;
        }
        switch (d.name()) {
            case "udpport" -> {
                if (n <= 0 || n > 65535) {
                    problems.add(at.error("invalid port [" + t + "]", "use a UDP port from 1 to 65535 (Heartbeat's is 694)"));
                    return null;
                }
                udpPort = (int) n;
                return t;
            }
            case "debug" -> {
                if (n < 0 || n > 255) {
                    problems.add(at.error("Invalid debug level [" + t + "]", "use a number from 0 to 255"));
                    return null;
                }
                debugLevel = (int) n;
                return t;
            }
            case "max_rexmit_delay" -> {
                if (n <= 0 || n > Integer.MAX_VALUE) {
                    problems.add(at.error("Invalid max_rexmit_delay [" + t + "]", "give a number of milliseconds greater than 0, e.g. 250"));
                    return null;
                }
                maxRexmitDelayMs = (int) n;
                return HeartbeatSyntax.formatMs(n);
            }
            default -> {
                if (n < 0) {
                    problems.add(at.error("Invalid " + d.name() + " [" + t + "]", "give a whole number"));
                    return null;
                }
                return t;
            }
        }
    }

    private String node(Origin at, String t) {
        String name = t.toLowerCase(Locale.ROOT);
        if (name.length() > MAX_NODE_NAME) {
            problems.add(at.error("Node name [" + t + "] is too long", "node names have at most " + MAX_NODE_NAME + " characters"));
            return null;
        }
        if (nodes.contains(name)) {
            problems.add(at.warning("node [" + name + "] is declared twice", "remove the repeated name"));
            return null;
        }
        if (nodes.size() >= MAX_NODES) {
            problems.add(at.error("Too many nodes: at most " + MAX_NODES, "remove nodes"));
            return null;
        }
        if (nodes.isEmpty()) {
            nodesOrigin = at;
        }
        nodes.add(name);
        nodeLine(at, name);
        return name;
    }

    /** The UDP port a medium created at {@code at} uses: the udpport in effect at that line, as in Heartbeat. */
    private int portAt(Origin at) {
        if (udpPortValues.isEmpty()) {
            udpPortValues = values(Directive.byName("udpport").orElseThrow());
        }
        int port = 694;
        for (Value v : udpPortValues) {
            boolean before = !v.origin().file().equals(file) || !at.file().equals(file) || v.origin().line() < at.line();
            if (before) {
                try {
                    int p = Integer.parseInt(v.text());
                    if (p > 0 && p <= 65535) {
                        port = p;
                    }
                } catch (NumberFormatException ignored) {
                    // reported by the udpport handler
                }
            }
        }
        return port;
    }

    private void nodeLine(Origin at, String name) {
        nodeLines.putIfAbsent(name.toLowerCase(Locale.ROOT), at.file().equals(file) ? at.line() : Integer.MAX_VALUE);
    }

    /**
     * What Heartbeat answers to {@code cl_status hbparameter -p <name>}: each recorded directive as written in ha.cf,
     * else Heartbeat's default, and the derived times as {@code <n>ms}. Call after {@link #finish}.
     */
    Map<String, String> heartbeatParameters() {
        Map<String, String> p = new LinkedHashMap<>(recorded);
        HeartbeatParameters.DEFAULTS.forEach(p::putIfAbsent);
        p.putIfAbsent("debug", Integer.toString(debugLevel));
        p.putIfAbsent("warntime", warntimeMs + "ms");
        p.putIfAbsent("initdead", initdeadMs + "ms");
        p.putIfAbsent("deadping", deadpingMs + "ms");
        p.putIfAbsent("udpport", Integer.toString(udpPort));
        if (logfile == null && debugfile == null && logfacility == null) {
            p.putIfAbsent("use_logd", "yes");
        }
        return p;
    }

    /** Every node and ping node in the order Heartbeat's node table has them: the order of their ha.cf lines. */
    List<String> nodeTable() {
        List<String> names = new ArrayList<>(nodeLines.keySet());
        names.sort(java.util.Comparator.comparingInt(nodeLines::get));
        return names;
    }

    private void addMedium(Origin at, Medium m) {
        media.add(m);
        mediumLines.put(m, at.file().equals(file) ? at.line() : Integer.MAX_VALUE);
    }

    private void checkInterface(Origin at, String device) {
        String base = device.contains(":") ? device.substring(0, device.indexOf(':')) : device;
        if (!host.interfaceExists().test(base)) {
            problems.add(at.warning("interface [" + device + "] does not exist on this host",
                    "check the name with `ip link`; Vigil cannot send heartbeats on a missing interface"));
        }
    }

    private String mcast(Origin at, String line) {
        List<String> f = HeartbeatSyntax.split(line, HeartbeatSyntax.WHITESPACE);
        String usage = "write `mcast <interface> <group> <port> <ttl> <loop>`, e.g. `mcast eth0 239.0.0.1 694 1 0`";
        if (f.size() < 5) {
            String dev = f.isEmpty() ? "" : f.get(0);
            String missing = switch (f.size()) {
                case 0 -> "device";
                case 1 -> "mcast address";
                case 2 -> "port";
                case 3 -> "ttl";
                default -> "loop";
            };
            problems.add(at.error("mcast [" + dev + "] missing " + missing, usage));
            return null;
        }
        String dev = f.get(0);
        Optional<InetAddress> group = HaresourcesParser.parseLiteral(f.get(1));
        if (group.isEmpty() || group.get().getAddress().length != 4 || !group.get().isMulticastAddress()) {
            problems.add(at.error("mcast [" + dev + "] bad addr [" + f.get(1) + "]", "use an IPv4 multicast group (224.0.0.0 to 239.255.255.255)"));
            return null;
        }
        int port = parseInt(f.get(2));
        if (port <= 0 || port > 65535) {
            problems.add(at.error("mcast [" + dev + "] bad port [" + f.get(2) + "]", "use a UDP port from 1 to 65535"));
            return null;
        }
        int ttl = parseInt(f.get(3));
        if (ttl < 0 || ttl > 4) {
            problems.add(at.error("mcast [" + dev + "] bad ttl [" + f.get(3) + "]", "Heartbeat accepts a TTL from 0 to 4"));
            return null;
        }
        int loop = parseInt(f.get(4));
        if (loop != 0 && loop != 1) {
            problems.add(at.error("mcast [" + dev + "] bad loop [" + f.get(4) + "]", "loop is 0 or 1"));
            return null;
        }
        checkInterface(at, dev);
        addMedium(at, new Medium.Mcast(dev, group.get(), port, ttl, loop == 1));
        return dev + " " + f.get(1) + " port " + port + " ttl " + ttl + " loop " + loop;
    }

    private String ucast(Origin at, String line) {
        List<String> f = HeartbeatSyntax.split(line, HeartbeatSyntax.WHITESPACE);
        if (f.size() < 2) {
            problems.add(at.error("ucast [" + (f.isEmpty() ? "" : f.get(0)) + "] missing peer address",
                    "write `ucast <interface> <peer-ip>`, one line per peer"));
            return null;
        }
        Optional<InetAddress> peer = address(f.get(1));
        if (peer.isEmpty()) {
            problems.add(at.error("ucast [" + f.get(0) + "] bad peer [" + f.get(1) + "]", "write the peer's IP address or a resolvable host name"));
            return null;
        }
        checkInterface(at, f.get(0));
        Medium.Ucast m = new Medium.Ucast(f.get(0), peer.get(), portAt(at));
        addMedium(at, m);
        return f.get(0) + " " + f.get(1) + " (port " + m.port() + ")";
    }

    /** mcast6_parse of Heartbeat's mcast6 plugin: {@code <dev> <group> <port> <hops> <loop>}. */
    private String mcast6(Origin at, String line) {
        List<String> f = HeartbeatSyntax.split(line, HeartbeatSyntax.WHITESPACE);
        String usage = "write `mcast6 <interface> <group> <port> <hops> <loop>`, e.g. `mcast6 eth0 ff15::694 694 1 0`";
        if (f.size() < 5) {
            String missing = switch (f.size()) {
                case 0 -> "device";
                case 1 -> "mcast6 address";
                case 2 -> "port";
                case 3 -> "hops";
                default -> "loop";
            };
            problems.add(at.error(f.isEmpty() ? "mcast6 statement without device" : "mcast6 [" + f.get(0) + "] missing " + missing, usage));
            return null;
        }
        String dev = f.get(0);
        Optional<InetAddress> group = HaresourcesParser.parseLiteral(f.get(1));
        if (group.isEmpty() || !(group.get() instanceof java.net.Inet6Address g6) || !g6.isMulticastAddress()) {
            problems.add(at.error("mcast6 [" + dev + "] bad addr [" + f.get(1) + "]", "use an IPv6 multicast group (ff00::/8), e.g. ff15::694"));
            return null;
        }
        int port = parseInt(f.get(2));
        if (port <= 0 || port > 65535) {
            problems.add(at.error("mcast6 [" + dev + "] bad port [" + f.get(2) + "]", "use a UDP port from 1 to 65535"));
            return null;
        }
        int hops = parseInt(f.get(3));
        if (hops < 0 || hops > 4) {
            problems.add(at.error("mcast6 [" + dev + "] bad hops [" + f.get(3) + "]", "Heartbeat accepts a hop limit from 0 to 4"));
            return null;
        }
        int loop = parseInt(f.get(4));
        if (loop != 0 && loop != 1) {
            problems.add(at.error("mcast6 [" + dev + "] bad loop [" + f.get(4) + "]", "loop is 0 or 1"));
            return null;
        }
        checkInterface(at, dev);
        addMedium(at, new Medium.Mcast6(dev, g6, port, hops, loop == 1));
        return dev + " " + f.get(1) + " port " + port + " hops " + hops + " loop " + loop;
    }

    /** ucast6_parse: {@code <dev> <peer>[%scope]}; the port is udpport, as for ucast. */
    private String ucast6(Origin at, String line) {
        List<String> f = HeartbeatSyntax.split(line, HeartbeatSyntax.WHITESPACE);
        if (f.size() < 2) {
            problems.add(at.error(f.isEmpty() ? "ucast6 statement without device" : "ucast6 [" + f.get(0) + "] missing ucast6 address",
                    "write `ucast6 <interface> <peer-ipv6>`, one line per peer"));
            return null;
        }
        String dev = f.get(0);
        String text = f.get(1);
        int percent = text.indexOf('%');
        String scope = percent < 0 ? null : text.substring(percent + 1);
        String bare = percent < 0 ? text : text.substring(0, percent);
        Optional<InetAddress> peer = HaresourcesParser.parseLiteral(bare);
        if (peer.isEmpty()) {
            peer = host.resolver().apply(bare).filter(a -> a instanceof java.net.Inet6Address);
        }
        if (peer.isEmpty() || !(peer.get() instanceof java.net.Inet6Address p6)) {
            problems.add(at.error("ucast6 [" + dev + "] bad addr [" + text + "]", "write the peer's IPv6 address (fe80::… link-local addresses use this line's interface)"));
            return null;
        }
        if (scope != null && !scope.equals(dev)) {
            problems.add(at.warning("ucast6 [" + dev + "] peer [" + text + "] names scope " + scope + ", not " + dev,
                    "Vigil sends on " + dev + " and scopes a link-local peer to it: drop the %" + scope));
        }
        checkInterface(at, dev);
        Medium.Ucast6 m = new Medium.Ucast6(dev, p6, portAt(at));
        addMedium(at, m);
        return dev + " " + text + " (port " + m.port() + ")";
    }

    /**
     * add_client_child: {@code <user> <absolute command line>}. Heartbeat's own API clients (ipfail, dopd, the Pacemaker
     * daemons) are accepted with a warning and not started: they need Heartbeat's client API, which Vigil does not offer.
     */
    private String clientChild(Directive d, Origin at, String line) {
        String rest = HeartbeatSyntax.stripLeading(line);
        int end = 0;
        while (end < rest.length() && HeartbeatSyntax.WHITESPACE.indexOf(rest.charAt(end)) < 0) {
            end++;
        }
        String user = rest.substring(0, end);
        String command = HeartbeatSyntax.stripLeading(rest.substring(end)).strip();
        if (user.isEmpty() || command.isEmpty()) {
            problems.add(at.error("Invalid " + d.name() + " directive [" + line + "]",
                    "write `" + d.name() + " <user> /absolute/path [arguments]`, e.g. `respawn hacluster /usr/local/bin/monitor`"));
            return null;
        }
        if (!command.startsWith("/")) {
            problems.add(at.error("Client child command [" + command + "] is not full pathname", "give the program's absolute path"));
            return null;
        }
        String program = HeartbeatSyntax.split(command, HeartbeatSyntax.WHITESPACE).get(0);
        Path path = Path.of(program);
        String name = path.getFileName() == null ? program : path.getFileName().toString();
        if (RespawnClient.HEARTBEAT_API_CLIENTS.contains(name)) {
            problems.add(at.warning("'" + d.name() + " " + user + " " + command + "' is not started: " + name
                    + " is a client of Heartbeat's API, which Vigil does not provide",
                    name.equals("ipfail") ? "Vigil decides on ping-node reachability itself (vigil.ping-policy, see docs/migration.md)"
                            : name.contains("dopd") || name.contains("outdater")
                            ? "use DRBD's crm-fence-peer/stonith handlers, or leave fencing to vigil.fence-script"
                            : "Vigil does not run Pacemaker; remove the line on Vigil nodes"));
            respawnClients.add(new RespawnClient(user, -1, -1, command, path, d.name().equals("failfast"), at));
            return user + " " + command + " (not started)";
        }
        Optional<UnixAccounts.User> account = host.users().apply(user);
        if (account.isEmpty()) {
            problems.add(at.error("Invalid uid [" + user + "] specified for client child",
                    "give an existing user (`getent passwd " + user + "` finds nothing)"));
            return null;
        }
        if (!java.nio.file.Files.isExecutable(path) || java.nio.file.Files.isDirectory(path)) {
            problems.add(at.error("Client child command [" + program + "] is not executable",
                    "install the program or fix the path; check with `ls -l " + program + "`"));
            return null;
        }
        if (d.name().equals("failfast")) {
            problems.add(at.warning("failfast child [" + command + "] is supervised like respawn, but Vigil does not reboot this machine when it dies",
                    "use vigil.fence-script on the peers, or systemd's FailureAction= on a unit of its own, if the reboot matters"));
        }
        respawnClients.add(new RespawnClient(account.get().name(), account.get().uid(), account.get().gid(), command, path,
                d.name().equals("failfast"), at));
        return user + " " + command;
    }

    private String pingGroup(Origin at, String line) {
        List<String> f = HeartbeatSyntax.split(line, HeartbeatSyntax.WHITESPACE);
        if (f.size() < 2) {
            problems.add(at.error("ping_group [" + (f.isEmpty() ? "" : f.get(0)) + "] has no addresses",
                    "write `ping_group <name> <ip> [<ip>…]`"));
            return null;
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (String a : f.subList(1, f.size())) {
            Optional<InetAddress> address = address(a);
            if (address.isEmpty()) {
                problems.add(at.error("ping_group [" + f.get(0) + "] bad address [" + a + "]", "write IP addresses"));
                return null;
            }
            addresses.add(address.get());
        }
        pingNodes.add(new PingNode(f.get(0), addresses, true));
        nodeLine(at, f.get(0));
        return line;
    }

    private Optional<InetAddress> address(String text) {
        Optional<InetAddress> literal = HaresourcesParser.parseLiteral(text);
        return literal.isPresent() ? literal : host.resolver().apply(text);
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return Integer.MIN_VALUE;
        }
    }

    /**
     * Defaults and cross-checks of init_config, in Heartbeat's order.
     *
     * @param localNode    this node's name, lower-case
     * @param localOrigin  how it was determined (for the message)
     * @param manageGroups haresources has groups
     */
    void finish(String localNode, String localOrigin, boolean manageGroups) {
        media.sort(java.util.Comparator.comparingInt(mediumLines::get));
        Origin whole = Origin.at(file, 0);
        if (media.isEmpty() && pingNodes.isEmpty()) {
            problems.add(whole.error("No heartbeat media defined", "add a medium, e.g. `bcast eth0` or `ucast eth0 <peer-ip>`"));
        }
        if (warntimeMs < 0) {
            warntimeMs = deadtimeMs / 2;
            warntimeOrigin = Origin.derived("deadtime/2");
        }
        if (nodes.isEmpty()) {
            problems.add(whole.error("no nodes defined", "declare every cluster node with `node <name>` (its `uname -n`)"));
        } else if (!nodes.contains(localNode)) {
            problems.add(nodesOrigin.error("Current node [" + localNode + "] not in configuration!",
                    "this node is named `" + localNode + "` (" + localOrigin + "): declare it with `node " + localNode
                            + "` in ha.cf, or give its declared name with --node-name or " + file.resolveSibling("nodeinfo")));
        }
        if (deadtimeMs <= 2 * keepaliveMs) {
            Origin at = deadtimeOrigin.isDefault() ? keepaliveOrigin : deadtimeOrigin;
            problems.add(at.error("Dead time [" + deadtimeMs + "] is too small compared to keeplive [" + keepaliveMs + "]",
                    "make deadtime more than twice keepalive (e.g. keepalive 1, deadtime 10)"));
        }
        if (initdeadMs < 0) {
            if (deadtimeMs > 10000) {
                initdeadMs = deadtimeMs;
                initdeadOrigin = Origin.derived("= deadtime");
            } else if (deadtimeMs < 6000) {
                initdeadMs = 12000;
                initdeadOrigin = Origin.derived("12 s, deadtime < 6 s");
            } else {
                initdeadMs = 2 * deadtimeMs;
                initdeadOrigin = Origin.derived("2 × deadtime");
            }
        }
        if (initdeadMs < deadtimeMs) {
            problems.add(initdeadOrigin.error("Initial dead time [" + initdeadMs + "] is smaller than deadtime [" + deadtimeMs + "]",
                    "set initdead to at least deadtime, or remove it to get Heartbeat's default"));
        } else if (initdeadMs < 10000) {
            problems.add(initdeadOrigin.warning("Initial dead time [" + initdeadMs + " ms] may be too small!",
                    "allow at least 10 s (initdead 10) for the other node to boot"));
        }
        if (deadpingMs < 0) {
            deadpingMs = deadtimeMs;
            deadpingOrigin = Origin.derived("= deadtime");
        } else if (deadpingMs <= 2 * keepaliveMs) {
            problems.add(deadpingOrigin.error("Ping dead time [" + deadpingMs + "] is too small compared to keeplive [" + keepaliveMs + "]",
                    "make deadping more than twice keepalive"));
        }
        if (warntimeMs >= deadtimeMs && deadtimeMs > 2 * keepaliveMs) {
            problems.add(warntimeOrigin.warning("warntime [" + warntimeMs + " ms] is not below deadtime [" + deadtimeMs
                    + " ms]: no late-heartbeat warning can come before a node is declared dead", "set warntime below deadtime"));
        }
        if (manageGroups && autoFailback == AutoFailback.LEGACY) {
            problems.add(autoFailbackOrigin.warning("Deprecated 'legacy' auto_failback option selected.",
                    "Please convert to 'auto_failback on' (or off); see docs/configuration.md"));
        }
        if (manageGroups && !autojoin.equals("none")) {
            problems.add(autojoinOrigin.error("R1 style resource management conflicts with  autojoin set",
                    "remove `autojoin " + autojoin + "`: every node must be declared with `node`"));
        }
        // stonith and stonith_host lines form one list in file order, as Heartbeat builds it
        stonithLines.sort(java.util.Comparator.comparingInt(l -> l.device().origin().file().equals(file)
                ? l.device().origin().line() : Integer.MAX_VALUE));
        for (StonithLine l : stonithLines) {
            if (l.host() == null || l.host().equals("*") || l.host().equals(localNode)) {
                stonith.add(l.device());
            } else if (!nodes.contains(l.host())) {
                problems.add(l.device().origin().warning("stonith_host names [" + l.host() + "], which is not a cluster node",
                        "use a node's name or * (the line is for the node that would fence from it)"));
            }
        }
        if (Boolean.FALSE.equals(useLogd) && logfile == null && debugfile == null && logfacility == null) {
            problems.add(useLogdOrigin.error("No log entry found in ha.cf and use_logd is set to off",
                    "add `logfacility daemon` or `logfile /var/log/vigil.log`"));
        }
        addDerived();
    }

    /** Rows for acted-on directives that took their default. */
    private void addDerived() {
        Set<String> present = new LinkedHashSet<>();
        effective.forEach(s -> present.add(s.name()));
        List<Setting> rows = new ArrayList<>();
        for (Directive d : Directive.all()) {
            if (present.contains(d.name())) {
                rows.add(effective.stream().filter(s -> s.name().equals(d.name())).findFirst().orElseThrow());
                continue;
            }
            if (!d.actedOn()) {
                continue;
            }
            switch (d.name()) {
                case "keepalive" -> rows.add(new Setting(d.name(), HeartbeatSyntax.formatMs(keepaliveMs), "default", true));
                case "deadtime" -> rows.add(new Setting(d.name(), HeartbeatSyntax.formatMs(deadtimeMs), "default", true));
                case "warntime" -> rows.add(new Setting(d.name(), HeartbeatSyntax.formatMs(warntimeMs), warntimeOrigin.label(), true));
                case "initdead" -> rows.add(new Setting(d.name(), HeartbeatSyntax.formatMs(initdeadMs), initdeadOrigin.label(), true));
                case "deadping" -> rows.add(new Setting(d.name(), HeartbeatSyntax.formatMs(deadpingMs), deadpingOrigin.label(), true));
                case "max_rexmit_delay" -> rows.add(new Setting(d.name(), HeartbeatSyntax.formatMs(maxRexmitDelayMs), "default", true));
                default -> {
                    if (d.defaultValue() != null && !d.multi()) {
                        rows.add(new Setting(d.name(), d.defaultValue(), "default", true));
                    }
                }
            }
        }
        effective.clear();
        effective.addAll(rows);
    }
}
