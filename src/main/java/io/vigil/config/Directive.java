package io.vigil.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One ha.cf directive of Heartbeat 3.0.6: how the line is split, what one value must look like, whether Vigil acts
 * on it, and its default.
 *
 * @param name     as written in ha.cf (case-sensitive)
 * @param style    how the rest of the line reaches the handler
 * @param syntax   what one token (or whole line) must look like
 * @param multi    every value counts (node, media…); otherwise the last one wins
 * @param actedOn  false = accepted for compatibility, ignored by Vigil with a warning
 * @param defaultValue Heartbeat's default as text, or null
 * @param hint     for ignored directives, what to do instead; for others a short description
 */
public record Directive(String name, Style style, Syntax syntax, boolean multi, boolean actedOn, String defaultValue,
                        String hint) {

    /** How a line is handed to the handler (config.c parse_config). */
    public enum Style {
        /** Rest of the line split on whitespace and comma, one handler call per token. */
        OPTION,
        /** The raw rest of the line, once. */
        WHOLE_LINE,
        /** A media plugin called once per token (bcast, ping, serial). */
        MEDIA_TOKEN,
        /** A media plugin given the raw rest of the line (mcast, ucast, ping_group). */
        MEDIA_LINE
    }

    /** What one value must look like. */
    public enum Syntax { TIME, BOOL, INT, PORT, TEXT, NODE, AUTO_FAILBACK, FACILITY, CHOICE, INTERFACE, MCAST, UCAST, IP,
        PING_GROUP, STONITH, STONITH_HOST, MCAST6, UCAST6, IP6, CLIENT_CHILD, ENV, ANY }

    /** The SmallRye key under which the directive can be overridden: {@code vigil.hacf.<name>}. */
    public String key() {
        return KEY_PREFIX + name;
    }

    /** The environment variable that overrides it: {@code VIGIL_HACF_<NAME>}. */
    public String envName() {
        return "VIGIL_HACF_" + name.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    public boolean isMedium() {
        return style == Style.MEDIA_TOKEN || style == Style.MEDIA_LINE;
    }

    /** Values are whole lines (not split into tokens). */
    public boolean wholeLine() {
        return style == Style.WHOLE_LINE || style == Style.MEDIA_LINE;
    }

    public static final String KEY_PREFIX = "vigil.hacf.";

    private static final Map<String, Directive> ALL = new LinkedHashMap<>();
    private static final Map<String, List<String>> CHOICES = Map.of(
            "hbgenmethod", List.of("file", "time"),
            "msgfmt", List.of("classic", "netstring"),
            "uuidfrom", List.of("file", "nodename"),
            "autojoin", List.of("none", "other", "any"),
            "compression", List.of("zlib", "bz2"));

    private static void acted(String name, Style style, Syntax syntax, boolean multi, String dflt, String what) {
        ALL.put(name, new Directive(name, style, syntax, multi, true, dflt, what));
    }

    private static void ignored(String name, Style style, Syntax syntax, boolean multi, String dflt, String instead) {
        ALL.put(name, new Directive(name, style, syntax, multi, false, dflt, instead));
    }

    static {
        Style O = Style.OPTION;
        // What Vigil acts on, in the order check-config lists it.
        acted("node", O, Syntax.NODE, true, null, "cluster node");
        acted("keepalive", O, Syntax.TIME, false, "1000ms", "interval between heartbeats");
        acted("deadtime", O, Syntax.TIME, false, "30000ms", "silence after which a node is dead");
        acted("warntime", O, Syntax.TIME, false, null, "silence that logs a late heartbeat");
        acted("initdead", O, Syntax.TIME, false, null, "deadtime until first contact after start");
        acted("deadping", O, Syntax.TIME, false, null, "deadtime of ping nodes");
        acted("udpport", O, Syntax.PORT, false, "694", "UDP port of bcast, ucast and ucast6");
        acted("bcast", Style.MEDIA_TOKEN, Syntax.INTERFACE, true, null, "UDP broadcast medium");
        acted("mcast", Style.MEDIA_LINE, Syntax.MCAST, true, null, "UDP multicast medium");
        acted("ucast", Style.MEDIA_LINE, Syntax.UCAST, true, null, "UDP unicast medium");
        acted("ping", Style.MEDIA_TOKEN, Syntax.IP, true, null, "ping node");
        acted("ping_group", Style.MEDIA_LINE, Syntax.PING_GROUP, true, null, "ping node group");
        acted("mcast6", Style.MEDIA_LINE, Syntax.MCAST6, true, null, "UDP/IPv6 multicast medium");
        acted("ucast6", Style.MEDIA_LINE, Syntax.UCAST6, true, null, "UDP/IPv6 unicast medium");
        acted("ping6", Style.MEDIA_TOKEN, Syntax.IP6, true, null, "IPv6 ping node");
        acted("auto_failback", O, Syntax.AUTO_FAILBACK, false, "legacy", "move groups back to their preferred node");
        acted("nice_failback", O, Syntax.BOOL, false, null, "obsolete, see auto_failback");
        acted("logfile", O, Syntax.TEXT, false, null, "log file");
        acted("debugfile", O, Syntax.TEXT, false, null, "debug log file");
        acted("logfacility", O, Syntax.FACILITY, false, null, "syslog facility");
        acted("debug", O, Syntax.INT, false, "0", "debug level 0..255");
        acted("max_rexmit_delay", O, Syntax.INT, false, "250", "maximum delay before a retransmit request, ms");
        acted("hbgenmethod", O, Syntax.CHOICE, false, "file", "generation number source");
        acted("msgfmt", O, Syntax.CHOICE, false, "classic", "wire format");
        acted("uuidfrom", O, Syntax.CHOICE, false, "file", "node UUID source");
        acted("autojoin", O, Syntax.CHOICE, false, "none", "join of undeclared nodes");
        acted("log_badpack", O, Syntax.BOOL, false, "true", "log bad packets");
        acted("stonith", Style.WHOLE_LINE, Syntax.STONITH, true, null, "STONITH device: <type> <config-file>");
        acted("stonith_host", Style.WHOLE_LINE, Syntax.STONITH_HOST, true, null, "STONITH device usable from a node: <node|*> <type> <params>");
        acted("watchdog", O, Syntax.TEXT, false, null, "kernel watchdog device, written at every heartbeat");
        acted("respawn", Style.WHOLE_LINE, Syntax.CLIENT_CHILD, true, null, "child started with the daemon, restarted when it exits");
        acted("failfast", Style.WHOLE_LINE, Syntax.CLIENT_CHILD, true, null, "like respawn (Vigil does not reboot when it dies)");
        acted("env", O, Syntax.ENV, true, null, "HA_<name>=value for resource scripts and respawn children");
        // Accepted so that a shared ha.cf stays valid, but Vigil does nothing with them.
        String noop = "Vigil has no equivalent; remove it unless a Heartbeat node shares this file";
        ignored("use_logd", O, Syntax.BOOL, false, null, "Vigil logs to its own log and the journal");
        ignored("conn_logd_time", O, Syntax.TIME, false, null, "Vigil does not use ha_logd");
        ignored("baud", O, Syntax.INT, false, null, "serial links are not supported; use bcast, mcast or ucast");
        ignored("serial", Style.MEDIA_TOKEN, Syntax.ANY, true, null, "serial links are not supported; use bcast, mcast or ucast");
        ignored("hbaping", Style.MEDIA_LINE, Syntax.ANY, true, null, "Fibre Channel ping is not supported; use ping");
        ignored("crm", O, Syntax.ANY, false, null, "Vigil does not run Pacemaker; it manages the haresources groups");
        ignored("pacemaker", O, Syntax.ANY, false, null, "Vigil does not run Pacemaker; it manages the haresources groups");
        ignored("crm_daemon_dir", O, Syntax.TEXT, false, null, "Vigil does not run Pacemaker");
        ignored("crmd_spawns_pengine", O, Syntax.BOOL, false, null, "Vigil does not run Pacemaker");
        ignored("apiauth", Style.WHOLE_LINE, Syntax.ANY, true, null, "Vigil has no client API for Heartbeat clients; cl_status works through its control socket (root, and the vigil.control.group group for queries)");
        ignored("hopfudge", O, Syntax.INT, false, null, noop);
        ignored("realtime", O, Syntax.BOOL, false, null, "set CPUSchedulingPolicy= in the vigil systemd unit");
        ignored("rtprio", O, Syntax.INT, false, null, "set CPUSchedulingPriority= in the vigil systemd unit");
        ignored("compression", O, Syntax.CHOICE, false, null, "Vigil's messages are small and never compressed");
        ignored("compression_threshold", O, Syntax.INT, false, null, "Vigil's messages are small and never compressed");
        ignored("traditional_compression", O, Syntax.BOOL, false, null, "Vigil's messages are small and never compressed");
        ignored("coredumps", O, Syntax.BOOL, false, null, "use systemd's LimitCORE= for the vigil unit");
        ignored("coreroot", O, Syntax.TEXT, false, null, noop);
        ignored("syslogmsgfmt", O, Syntax.BOOL, false, null, noop);
        ignored("memreserve", O, Syntax.INT, false, null, noop);
        ignored("cluster", O, Syntax.TEXT, false, null, "only used by Pacemaker");
        ignored("quorum_server", O, Syntax.TEXT, false, null, "only used by Pacemaker");
        ignored("use_apphbd", O, Syntax.BOOL, false, null, "only used by Pacemaker");
        ignored("record_config_changes", O, Syntax.BOOL, false, null, "only used by Pacemaker");
        ignored("record_pengine_inputs", O, Syntax.BOOL, false, null, "only used by Pacemaker");
        ignored("enable_config_writes", O, Syntax.BOOL, false, null, "only used by Pacemaker");
    }

    public static Optional<Directive> byName(String name) {
        return Optional.ofNullable(ALL.get(name));
    }

    /** Every directive, acted-on ones first, in check-config order. */
    public static List<Directive> all() {
        return List.copyOf(ALL.values());
    }

    public static Optional<Directive> byEnvName(String envName) {
        return ALL.values().stream().filter(d -> d.envName().equals(envName)).findFirst();
    }

    /** Allowed values of a CHOICE directive. */
    public List<String> choices() {
        return CHOICES.getOrDefault(name, List.of());
    }
}
