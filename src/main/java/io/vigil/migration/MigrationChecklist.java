package io.vigil.migration;

import io.vigil.config.AuthMethod;
import io.vigil.config.ClusterConfig;
import io.vigil.config.Directive;
import io.vigil.config.HaCfParser;
import io.vigil.config.ResourceGroup;
import io.vigil.config.ResourceSpec;
import io.vigil.config.RespawnClient;
import io.vigil.resource.IpAddrAgent;
import io.vigil.resource.LsbAgent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code vigil check-config --migration}: what a Heartbeat installation becomes under Vigil, item by item, from the
 * user's own files: every ha.cf line, the authkeys method, every haresources group and the script each resource runs
 * (and the one Heartbeat ran), the extra files of the configuration directory, and the Heartbeat commands people
 * type. Each item says same, different (how) or not supported (what to do instead). Reads files; changes nothing.
 */
public final class MigrationChecklist {

    /**
     * Where scripts are: Vigil's lookup order (its own resource.d, /etc/ha.d/resource.d, /etc/init.d) and the
     * directories Heartbeat looked in (its resource.d, then /etc/init.d).
     */
    public record Host(List<Path> vigilScriptDirs, Path heartbeatResourceDir, Path initDir) {
        public Host {
            vigilScriptDirs = List.copyOf(vigilScriptDirs);
        }

        /** The directories of an installed Vigil. */
        public static Host system() {
            return new Host(io.vigil.resource.ResourceSettings.defaultScriptDirs(), Path.of("/etc/ha.d/resource.d"),
                    Path.of("/etc/init.d"));
        }
    }

    /** Directives whose absence changes nothing that matters on a Vigil node: "different", not "not supported". */
    private static final Set<String> HARMLESS = Set.of("realtime", "rtprio", "coredumps", "coreroot", "compression",
            "compression_threshold", "traditional_compression", "hopfudge", "syslogmsgfmt", "memreserve", "use_logd",
            "conn_logd_time", "env");

    private final ClusterConfig config;
    private final Host host;
    private final List<ChecklistItem> items = new ArrayList<>();

    private MigrationChecklist(ClusterConfig config, Host host) {
        this.config = config;
        this.host = host;
    }

    public static List<ChecklistItem> build(ClusterConfig config, Host host) {
        MigrationChecklist c = new MigrationChecklist(config, host);
        c.haCf();
        c.authkeys();
        c.haresources();
        c.configDirectory();
        c.commands();
        return List.copyOf(c.items);
    }

    private void add(String section, String subject, String where, Verdict verdict, String note) {
        items.add(new ChecklistItem(section, subject, where, verdict, note));
    }

    // ---------------------------------------------------------------- ha.cf

    private void haCf() {
        Path file = config.haCf();
        List<String> lines = read(file);
        HaCfParser.Result parsed = HaCfParser.parse(file, lines);
        Map<Integer, Directive> byLine = new LinkedHashMap<>();
        parsed.entries().forEach(e -> byLine.putIfAbsent(e.line(), e.directive()));
        byLine.forEach((line, d) -> {
            String text = lines.get(line - 1);
            int hash = text.indexOf('#');
            text = (hash >= 0 ? text.substring(0, hash) : text).strip().replaceAll("\\s+", " ");
            verdictOf(d, text, line).ifPresent(v -> add("ha.cf", v.subject(), file.getFileName() + ":" + line, v.verdict(), v.note()));
        });
    }

    private record Judged(String subject, Verdict verdict, String note) {
    }

    private Optional<Judged> verdictOf(Directive d, String text, int line) {
        String name = d.name();
        String value = text.length() > name.length() ? text.substring(name.length()).strip() : "";
        switch (name) {
            case "ping", "ping6", "ping_group" -> {
                return Optional.of(ping(text));
            }
            case "respawn", "failfast" -> {
                return Optional.of(respawn(text, line));
            }
            case "logfacility" -> {
                return Optional.of(new Judged(text, Verdict.DIFFERENT, "sent to syslog over UDP (vigil.log.syslog-endpoint, "
                        + "default localhost:514), which Debian's rsyslog does not receive by default; the journal has "
                        + "every line too (docs/operations.md, Logging)"));
            }
            case "logfile", "debugfile" -> {
                return Optional.of(new Judged(text, Verdict.SAME, "Heartbeat's line format; the program name is vigil "
                        + "instead of heartbeat (adjust log watchers that match it)"));
            }
            case "debug" -> {
                return Optional.of(new Judged(text, Verdict.DIFFERENT, "0 = info, 1 = debug, 2 and more = trace; SIGUSR1/SIGUSR2 "
                        + "do not change it at run time"));
            }
            case "auto_failback" -> {
                return Optional.of(new Judged(text, Verdict.SAME, value.equals("legacy")
                        ? "Heartbeat's legacy negotiation (deprecated: hb_standby needs on or off)" : "same negotiation"));
            }
            case "nice_failback" -> {
                return Optional.of(new Judged(text, Verdict.SAME, "no effect, as in Heartbeat 3.0.6: set auto_failback"));
            }
            default -> {
            }
        }
        if (!d.actedOn()) {
            return Optional.of(HARMLESS.contains(name)
                    ? new Judged(text, Verdict.DIFFERENT, "ignored, nothing is lost: " + d.hint())
                    : new Judged(text, Verdict.NOT_SUPPORTED, d.hint()));
        }
        return Optional.of(new Judged(text, Verdict.SAME, d.hint()));
    }

    private boolean ipfail() {
        return config.respawnClients().stream().anyMatch(RespawnClient::ipfail);
    }

    private Judged ping(String text) {
        boolean placement = config.placementPingNodes() > 0;
        if (placement && !ipfail()) {
            return new Judged(text, Verdict.DIFFERENT, "ping nodes decide placement (vigil.ping-policy=placement): a node "
                    + "that reaches fewer of them than its peer hands its groups over. Heartbeat without ipfail only "
                    + "reported them; set vigil.ping-policy=heartbeat to keep that");
        }
        if (placement) {
            return new Judged(text, Verdict.SAME, "ping nodes decide placement, as Heartbeat's ipfail made them do");
        }
        return new Judged(text, Verdict.SAME, "ping nodes are only reported (vigil.ping-policy=heartbeat, no ipfail)");
    }

    private Judged respawn(String text, int line) {
        Optional<RespawnClient> client = config.respawnClients().stream()
                .filter(c -> c.origin().line() == line && c.origin().file().equals(config.haCf())).findFirst();
        if (client.isEmpty()) {
            return new Judged(text, Verdict.SAME, "started when communication is up, restarted when it exits");
        }
        RespawnClient c = client.get();
        if (c.ipfail()) {
            return new Judged(text, Verdict.DIFFERENT, "ipfail is not started (it needs Heartbeat's client API): Vigil "
                    + "itself hands the groups to the node that reaches more ping nodes, as ipfail did (vigil.ping-policy)");
        }
        if (c.heartbeatApiClient()) {
            return new Judged(text, Verdict.NOT_SUPPORTED, c.program() + " is a client of Heartbeat's API, which Vigil does "
                    + "not provide: it is not started");
        }
        if (c.failfast()) {
            return new Judged(text, Verdict.DIFFERENT, "supervised and restarted like respawn, but Vigil does not reboot "
                    + "this machine when it dies");
        }
        return new Judged(text, Verdict.SAME, "started as " + c.user() + " when communication is up, restarted when it "
                + "exits (not after exit code 100 or 10 quick restarts), stopped with the daemon");
    }

    // ---------------------------------------------------------------- authkeys

    private void authkeys() {
        AuthMethod m = config.authKeys().active().method();
        String subject = "auth " + config.authKeys().activeIndex() + " (" + m.fileName() + ")";
        String where = config.authKeysFile().getFileName().toString();
        switch (m) {
            case SHA1, MD5 -> add("authkeys", subject, where, Verdict.SAME, "same signatures, checked the same way");
            case CRC -> add("authkeys", subject, where, Verdict.SAME, "same, and as unsafe: crc only detects corruption, "
                    + "anybody on the link can forge packets; prefer sha1");
            case SHA256 -> add("authkeys", subject, where, Verdict.DIFFERENT, "a Vigil extension: Heartbeat nodes cannot "
                    + "check these packets (all nodes must run Vigil)");
        }
    }

    // ---------------------------------------------------------------- haresources

    private void haresources() {
        Path file = config.haresources();
        for (ResourceGroup g : config.groups()) {
            String where = file.getFileName() + ":" + g.line();
            add("haresources", g.preferredNode() + " " + String.join(" ", g.resources().stream().map(ResourceSpec::token).toList()),
                    where, Verdict.SAME, "group " + g.key() + ": started left to right, stopped right to left, as Heartbeat does");
            for (ResourceSpec r : g.resources()) {
                resource(r, where);
            }
        }
    }

    private void resource(ResourceSpec r, String where) {
        String agent = r.agent();
        String subject = "  " + r.token();
        if (IpAddrAgent.handles(agent)) {
            add("haresources", subject, where, Verdict.SAME, "Vigil's built-in " + agent + " (iproute2): the address, "
                    + "prefix, interface, label and broadcast Heartbeat's " + agent + " would set, then gratuitous ARP "
                    + "(IPv6: unsolicited NA); needs neither ifconfig nor send_arp");
            return;
        }
        if (agent.startsWith("ocf:")) {
            add("haresources", subject, where, Verdict.DIFFERENT, "the ocf:provider:type form is a Vigil extension; "
                    + "Heartbeat 3.0.6 cannot read this line");
            return;
        }
        Optional<Path> vigil = LsbAgent.locate(agent, host.vigilScriptDirs());
        Optional<Path> heartbeat = LsbAgent.locate(agent, List.of(host.heartbeatResourceDir(), host.initDir()));
        String theirs = heartbeat.map(p -> "Heartbeat ran " + p).orElse("Heartbeat found no such script here either");
        if (vigil.isEmpty()) {
            add("haresources", subject, where, Verdict.NOT_SUPPORTED, "Cannot locate resource script " + agent
                    + " (looked in " + String.join(", ", host.vigilScriptDirs().stream().map(Path::toString).toList())
                    + "); " + theirs);
            return;
        }
        Path runs = vigil.get();
        if (heartbeat.isPresent() && runs.equals(heartbeat.get())) {
            add("haresources", subject, where, Verdict.SAME, "runs " + runs + ", as Heartbeat did");
            return;
        }
        Path userCopy = host.heartbeatResourceDir().resolve(agent);
        if (Files.isRegularFile(userCopy) && !isStock(HeartbeatStock.RESOURCE_D, agent, userCopy)) {
            add("haresources", subject, where, Verdict.DIFFERENT, "Vigil runs its own " + runs + "; your changed "
                    + userCopy + " is not run. To keep it, copy it to " + userCopy.resolveSibling(agent + ".local")
                    + " and write " + agent + ".local in haresources");
            return;
        }
        add("haresources", subject, where, Verdict.SAME, "runs " + runs + " (" + theirs + "; "
                + (HeartbeatStock.RESOURCE_D.containsKey(agent)
                ? "same positional arguments, same OCF agent or the same job" : "same script") + ")");
    }

    // ---------------------------------------------------------------- files of the configuration directory

    private void configDirectory() {
        Path dir = config.configDir();
        if (Files.isRegularFile(dir.resolve("nodeinfo"))) {
            add("files", "nodeinfo", "nodeinfo", Verdict.SAME, "its first line names this node");
        }
        Path rcd = dir.resolve("rc.d");
        for (Path f : list(rcd)) {
            String name = f.getFileName().toString();
            if (isStock(HeartbeatStock.RC_D, name, f)) {
                add("files", "rc.d/" + name, "rc.d/" + name, Verdict.SAME,
                        "Heartbeat's handler of its own " + name + " messages: Vigil handles them itself");
            } else {
                add("files", "rc.d/" + name, "rc.d/" + name, Verdict.NOT_SUPPORTED, (HeartbeatStock.RC_D.containsKey(name)
                        ? "your changed copy of Heartbeat's handler" : "your hook for " + name + " messages")
                        + " is not run by Vigil (it runs no rc.d scripts through harc)");
            }
        }
        for (Path f : list(dir)) {
            String name = f.getFileName().toString();
            if (HeartbeatStock.TOP.containsKey(name) && !isStock(HeartbeatStock.TOP, name, f)) {
                add("files", name, name, Verdict.NOT_SUPPORTED, "your changed " + name + " is not used by Vigil");
            }
        }
    }

    // ---------------------------------------------------------------- commands

    private void commands() {
        add("commands", "cl_status <sub-command> (as root or a member of haclient)", "", Verdict.SAME,
                "/usr/bin/cl_status: same sub-commands, options, output and exit codes, this node's own links included");
        add("commands", "cl_status by other users", "", Verdict.DIFFERENT, "refused (Heartbeat's cl_status was set-group-id "
                + "haclient, so anybody could query): add monitoring users to haclient, or set vigil.control.group");
        add("commands", "hb_standby [all|foreign|local|failback], hb_takeover [...]", "", Verdict.SAME,
                "/usr/share/heartbeat/hb_standby and hb_takeover (also in /usr/sbin); root only, as Heartbeat's FIFO was");
        add("commands", "service heartbeat start|stop|restart|status, systemctl ... heartbeat", "", Verdict.SAME,
                "heartbeat.service is an alias of vigil.service");
        add("commands", "/etc/init.d/heartbeat standby", "", Verdict.NOT_SUPPORTED, "the init script is Heartbeat's: "
                + "use hb_standby (or vigil standby)");
        add("commands", "heartbeat -s, heartbeat -k", "", Verdict.SAME, "/usr/libexec/heartbeat/heartbeat answers with "
                + "Heartbeat's wording and exit codes");
        add("commands", "heartbeat -r, SIGHUP", "", Verdict.DIFFERENT, "re-reads authkeys; ha.cf and haresources changes "
                + "need a restart (systemctl restart vigil)");
        add("commands", "heartbeat -d/-D/-M/-l/-v, SIGUSR1/SIGUSR2", "", Verdict.NOT_SUPPORTED,
                "debug level: ha.cf's debug; defaults and values: vigil check-config");
        add("commands", "/usr/share/heartbeat/ResourceManager", "", Verdict.NOT_SUPPORTED,
                "vigil resource start|stop|status|check <resource> runs one resource as the daemon would");
        add("commands", "hb_addnode, hb_delnode, hb_setweight, hb_setsite, ha_propagate", "", Verdict.NOT_SUPPORTED,
                "nodes come from ha.cf only: edit it on every node and restart");
        add("commands", "crm_mon, crm, cibadmin (Pacemaker)", "", Verdict.NOT_SUPPORTED,
                "Vigil manages haresources groups only: vigil status shows nodes, links and groups");
    }

    // ---------------------------------------------------------------- helpers

    private static boolean isStock(Map<String, String> stock, String name, Path file) {
        String expected = stock.get(name);
        return expected != null && expected.equals(md5(file));
    }

    static String md5(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file)));
        } catch (IOException | NoSuchAlgorithmException e) {
            return "";
        }
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<String> read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The checklist as check-config prints it: sections, then one line per item, then the counts. */
    public static String render(ClusterConfig config, List<ChecklistItem> items) {
        StringBuilder b = new StringBuilder();
        b.append("Migration checklist: Heartbeat 3.0.6 -> Vigil, for ").append(config.configDir())
                .append(" (node ").append(config.localNode()).append(")\n");
        String section = null;
        int width = items.stream().mapToInt(i -> i.verdict().word().length()).max().orElse(4);
        for (ChecklistItem i : items) {
            if (!i.section().equals(section)) {
                section = i.section();
                b.append('\n').append(section).append('\n');
            }
            b.append("  ").append(String.format("%-" + width + "s", i.verdict().word())).append("  ").append(i.subject());
            if (!i.where().isEmpty()) {
                b.append("   [").append(i.where()).append(']');
            }
            b.append('\n').append("  ").append(" ".repeat(width)).append("  ").append("  ").append(i.note()).append('\n');
        }
        long same = items.stream().filter(i -> i.verdict() == Verdict.SAME).count();
        long different = items.stream().filter(i -> i.verdict() == Verdict.DIFFERENT).count();
        long unsupported = items.stream().filter(i -> i.verdict() == Verdict.NOT_SUPPORTED).count();
        b.append('\n').append(same).append(" same, ").append(different).append(" different, ").append(unsupported)
                .append(" not supported.\n");
        return b.toString();
    }
}
