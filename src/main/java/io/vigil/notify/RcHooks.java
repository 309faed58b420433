package io.vigil.notify;

import io.vigil.config.AutoFailback;
import io.vigil.config.ClusterConfig;
import io.vigil.wire.Message;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Heartbeat's notification hooks (reference §5.10): when {@code <config-dir>/rc.d/<type>} exists, Heartbeat runs
 * {@code harc <type>} on a node status change (type {@code status}) and on cluster messages without a handler of
 * their own, with every message field as {@code HA_<field>} and {@code HA_CURHOST}, {@code HA_OSTATUS}, … Vigil does
 * the same, through {@code <config-dir>/harc} when it exists (Heartbeat's package installs it) and otherwise by
 * running the hook itself with harc's log line.
 *
 * <p>Heartbeat also did its resource management through rc.d ({@code status} → {@code mach_down}, {@code ip-request},
 * {@code hb_takeover}, …). Vigil does that work itself, so running those scripts would start or stop groups twice:
 * a hook that calls Heartbeat's resource machinery is not run (the package's own files quietly, a user's with a
 * warning at start saying why). The directory is read once at start, as Heartbeat does.
 */
public final class RcHooks {

    private static final Logger LOG = Logger.getLogger("vigil");

    /** SHA-256 of the rc.d files of Debian's heartbeat 3.0.6 package: Heartbeat's own resource management. */
    static final Set<String> HEARTBEAT_PACKAGE_FILES = Set.of(
            "c152bd16f9108c8430f1d0a8f1f4615efb0f12190a56bc1e066668a4f5c19700", // ask_resources
            "2a867e92779ba6f0f9dc444690c9121e366466ca573a2b3d22f462d7c28b76d9", // hb_takeover
            "ddcd7bd757af52b8d0d2fb9d5be88d28c4bce4992b61e0ecf43746f2c28f5ee6", // ip-request
            "fd3a080beef9bce32a206e233813680b258b0d02d5a5cc21ba1fa1d3094e4833", // ip-request-resp
            "1f1d6edbf0dee327cca9d43a047cd9265ede139654e906531e5563217295b4a5"); // status

    /** Commands through which a hook would move resources or talk to Heartbeat itself. */
    static final Pattern RESOURCE_MACHINERY = Pattern.compile(
            "\\b(mach_down|ResourceManager|req_resource|hb_standby|hb_takeover|ha_clustermsg)\\b");

    /** Message types Heartbeat handles itself in haresources mode: their rc.d scripts were never run. */
    static final Set<String> HANDLED_TYPES = Set.of("starting", "resource", "ask_resources");

    private final ClusterConfig config;
    private final NotifySettings settings;
    private final ScriptQueue queue;
    private final Map<String, Path> hooks;

    public RcHooks(ClusterConfig config, NotifySettings settings, ScriptQueue queue) {
        this.config = config;
        this.settings = settings;
        this.queue = queue;
        this.hooks = scan(settings.rcDir());
    }

    /** The hooks that will run, by message type. */
    public Map<String, Path> hooks() {
        return hooks;
    }

    /** A node's status changed (Heartbeat's fabricated {@code t=status st=dead} included). */
    public void nodeStatus(String node, String from, String to, boolean ping) {
        if (!hooks.containsKey("status")) {
            return;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("t", "status");
        fields.put("src", node);
        fields.put("st", to);
        if (ping && "dead".equals(to)) {
            fields.put("info", "ping");
        }
        run("status", fields, from);
    }

    /** A cluster message addressed to this node (or to all) from another node. */
    public void message(Message m) {
        String type = m.type().toLowerCase(Locale.ROOT);
        if (HANDLED_TYPES.contains(type) || !hooks.containsKey(type)) {
            return;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Message.Field f : m.fields()) {
            if (f.type() == Message.FieldType.STRING) {
                fields.putIfAbsent(f.name(), f.text());
            }
        }
        run(type, fields, null);
    }

    private void run(String type, Map<String, String> fields, String ostatus) {
        Map<String, String> env = environment(fields, ostatus);
        Path hook = hooks.get(type);
        boolean viaHarc = Files.isExecutable(settings.harc());
        List<String> argv = viaHarc ? List.of(settings.harc().toString(), type) : List.of(hook.toString(), type);
        String what = "rc.d/" + type + (fields.containsKey("src") ? " from " + fields.get("src") : "");
        queue.submit("rc.d", what, () -> {
            if (!viaHarc) {
                LOG.infof("Running %s %s", hook, type); // the line harc logs
            }
            return List.of(new ScriptQueue.Job("rc.d", viaHarc ? "harc " + type : "hook " + hook, argv, env));
        });
    }

    Map<String, String> environment(Map<String, String> fields, String ostatus) {
        Map<String, String> env = new LinkedHashMap<>();
        fields.forEach((k, v) -> env.put("HA_" + k, v));
        Path dir = config.configDir();
        env.put("HA_CURHOST", config.localNode());
        if (ostatus != null) {
            env.put("HA_OSTATUS", ostatus);
        }
        if (config.autoFailback() != AutoFailback.LEGACY) {
            env.put("HA_NICEFAILBACK", "yes");
        }
        env.put("HA_LOGD", "no");
        env.put("HA_DIR", dir.toString());
        env.put("HA_RCDIR", settings.rcDir().toString());
        env.put("HA_FUNCS", dir.resolve("shellfuncs").toString());
        env.put("HA_DATEFMT", "%Y/%m/%d_%T ");
        config.logfile().ifPresent(f -> env.put("HA_LOGFILE", f));
        config.debugfile().ifPresent(f -> env.put("HA_DEBUGLOG", f));
        config.logfacility().ifPresent(f -> env.put("HA_LOGFACILITY", f));
        env.put("HA_debug", Integer.toString(config.debugLevel()));
        env.put("OCF_ROOT", "/usr/lib/ocf");
        return env;
    }

    static Map<String, Path> scan(Path rcDir) {
        Map<String, Path> found = new TreeMap<>();
        if (!Files.isDirectory(rcDir)) {
            return found;
        }
        try (Stream<Path> entries = Files.list(rcDir)) {
            for (Path p : entries.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") || !Files.isRegularFile(p) || !Files.isExecutable(p)) {
                    continue;
                }
                byte[] body = Files.readAllBytes(p);
                if (HEARTBEAT_PACKAGE_FILES.contains(sha256(body))) {
                    LOG.debugf("%s is Heartbeat's own resource management: Vigil does that itself, not running it", p);
                    continue;
                }
                var m = RESOURCE_MACHINERY.matcher(new String(body, StandardCharsets.ISO_8859_1));
                if (m.find()) {
                    LOG.warnf("%s calls %s (Heartbeat's resource management): not run, Vigil moves resources itself."
                            + " Keep only the notification part of it in rc.d, or use vigil.notify-script", p, m.group(1));
                    continue;
                }
                found.put(name.toLowerCase(Locale.ROOT), p);
            }
        } catch (IOException e) {
            LOG.errorf("Cannot read %s: %s (Heartbeat hooks disabled)", rcDir, e.getMessage());
        }
        if (!found.isEmpty()) {
            LOG.infof("Heartbeat hooks in %s: %s", rcDir, String.join(", ", found.keySet()));
        }
        return found;
    }

    static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
