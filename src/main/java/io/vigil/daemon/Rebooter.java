package io.vigil.daemon;

import io.vigil.config.ClusterConfig;
import io.vigil.resource.ProcessRunner;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * How this node reboots itself when a stop failed and {@code vigil.on-stop-failure=reboot} (Heartbeat:
 * {@code Resource STOP failure. Reboot required!} then {@code reboot -nf}): runs {@code vigil.reboot-command} with
 * {@code /bin/sh -c}.
 *
 * <p><b>Safety for everyone who runs the tests.</b> A network namespace does not contain {@code reboot()}: the default
 * command run from a lab node would reboot the whole machine. So the default command ({@value
 * io.vigil.config.VigilSettings#DEFAULT_REBOOT_COMMAND}) is refused, and nothing is run, when any of these holds:
 * <ul>
 *   <li>the configuration directory holds the lab marker file {@value #LAB_MARKER} (the labs write it);</li>
 *   <li>this process is in a network namespace other than the host's: one named by {@code ip netns} (under
 *       {@code /run/netns}), or one that differs from PID 1's when that can be read;</li>
 *   <li>this process lacks CAP_SYS_BOOT (lab nodes run under {@code setpriv --bounding-set -sys_boot}): the reboot
 *       would fail anyway.</li>
 * </ul>
 * A configured command other than the default is always run: that is how the labs and tests "reboot" a node
 * harmlessly (kill its processes, take its link down).
 */
public final class Rebooter {

    private static final Logger LOG = Logger.getLogger("vigil");

    /** The file a lab writes into a node's configuration directory. */
    public static final String LAB_MARKER = "lab-node";
    /** capability.h: CAP_SYS_BOOT. */
    static final int CAP_SYS_BOOT = 22;
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    /** What the host looks like, read from /proc (replaceable in tests). */
    public interface Host {
        /** The lab marker exists in the configuration directory. */
        boolean labMarker();

        /** A reason this process is inside a network namespace other than the host's, if it can tell. */
        Optional<String> foreignNetworkNamespace();

        /** CAP_SYS_BOOT is in this process's effective set (empty when it cannot be read). */
        Optional<Boolean> canReboot();
    }

    /**
     * What a reboot request did.
     *
     * @param ran     the command was run (a real reboot does not return; a lab command does)
     * @param refused why the default command was not run, else empty
     * @param detail  the command's outcome or the refusal, for the log
     */
    public record Outcome(boolean ran, Optional<String> refused, String detail) {
    }

    private final String command;
    private final boolean isDefault;
    private final String localNode;
    private final Host host;
    private final BiFunction<List<String>, Map<String, String>, ProcessRunner.Outcome> runner;

    Rebooter(String command, boolean isDefault, String localNode, Host host,
             BiFunction<List<String>, Map<String, String>, ProcessRunner.Outcome> runner) {
        this.command = command;
        this.isDefault = isDefault;
        this.localNode = localNode;
        this.host = host;
        this.runner = runner;
    }

    public static Rebooter of(ClusterConfig config) {
        return new Rebooter(config.vigil().rebootCommand(), config.vigil().defaultRebootCommand(), config.localNode(),
                procHost(config.configDir()), (argv, env) -> new ProcessRunner().run(argv, env, COMMAND_TIMEOUT));
    }

    public String command() {
        return command;
    }

    /** Why the configured command would not be run now (only the default real reboot is ever refused). */
    public Optional<String> refusal() {
        if (!isDefault) {
            return Optional.empty();
        }
        List<String> why = new ArrayList<>();
        if (host.labMarker()) {
            why.add("the lab marker " + LAB_MARKER + " is in the configuration directory");
        }
        host.foreignNetworkNamespace().ifPresent(why::add);
        if (host.canReboot().map(can -> !can).orElse(false)) {
            why.add("this process lacks CAP_SYS_BOOT");
        }
        return why.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", why));
    }

    /** Reboots this node (or runs the configured stand-in); {@code why} goes to the log first. */
    public Outcome reboot(String why) {
        Optional<String> refused = refusal();
        if (refused.isPresent()) {
            String text = "REFUSING to run the real reboot command '" + command + "' (" + why + "): " + refused.get()
                    + " — a lab or test node must set vigil.reboot-command to a harmless command";
            LOG.fatal(text);
            return new Outcome(false, refused, text);
        }
        LOG.fatalf("Rebooting node %s (%s): %s", localNode, why, command);
        ProcessRunner.Outcome o = runner.apply(List.of("/bin/sh", "-c", command), Map.of("VIGIL_NODE", localNode));
        String detail = (o.timedOut() ? "timed out" : "exit " + o.exitCode())
                + (o.lastLines().isEmpty() ? "" : ": " + String.join(" | ", o.lastLines()));
        LOG.infof("Reboot command returned (%s)", detail);
        return new Outcome(true, Optional.empty(), detail);
    }

    /** The real host, read from /proc and /run/netns. */
    static Host procHost(Path configDir) {
        return new Host() {
            @Override
            public boolean labMarker() {
                return Files.exists(configDir.resolve(LAB_MARKER));
            }

            @Override
            public Optional<String> foreignNetworkNamespace() {
                return Rebooter.foreignNetworkNamespace(Path.of("/proc/self/ns/net"), Path.of("/proc/1/ns/net"), Path.of("/run/netns"));
            }

            @Override
            public Optional<Boolean> canReboot() {
                return effectiveCapability(Path.of("/proc/self/status"), CAP_SYS_BOOT);
            }
        };
    }

    /** Compares namespace inodes: ours against each named namespace and against PID 1's (when readable). */
    static Optional<String> foreignNetworkNamespace(Path self, Path init, Path named) {
        Object ours;
        try {
            ours = Files.readAttributes(self, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
        if (ours == null) {
            return Optional.empty();
        }
        if (Files.isDirectory(named)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(named)) {
                for (Path ns : ds) {
                    try {
                        if (ours.equals(Files.readAttributes(ns, java.nio.file.attribute.BasicFileAttributes.class).fileKey())) {
                            return Optional.of("this process runs in the network namespace " + ns.getFileName()
                                    + " (ip netns), where reboot() would reboot the whole machine");
                        }
                    } catch (IOException e) {
                        // not a namespace mount (or gone): skip it
                    }
                }
            } catch (IOException e) {
                // unreadable: no verdict from it
            }
        }
        try {
            Object theirs = Files.readAttributes(init, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            if (theirs != null && !theirs.equals(ours)) {
                return Optional.of("this process runs in a network namespace other than PID 1's");
            }
        } catch (IOException e) {
            // /proc/1/ns is not readable in some sandboxes: no verdict from it
        }
        return Optional.empty();
    }

    /** Bit {@code cap} of the CapEff line of a /proc status file. */
    static Optional<Boolean> effectiveCapability(Path status, int cap) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("CapEff:")) {
                    long bits = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                    return Optional.of((bits >>> cap & 1) == 1);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return Optional.empty();
    }
}
