package io.vigil.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Network namespaces for tests: created with real {@code ip} commands, removed in {@link #close()} and, should the
 * JVM die first, by a shutdown hook. Names carry a prefix of the caller's, so parallel suites never collide.
 * Only documentation address ranges are used inside them.
 */
public final class Netns implements AutoCloseable {

    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::cleanup, "netns-cleanup");

    public Netns() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Skips the calling test unless we are root with a working {@code ip netns}. */
    public static void assumeAvailable() {
        assumeTrue("root".equals(System.getProperty("user.name")), "network namespace tests need root");
        assumeTrue(run(List.of("ip", "netns", "list")).exitCode == 0, "ip netns is not available");
    }

    /** Creates a namespace (removing a stale one of the same name first) with loopback up. */
    public String add(String name) {
        run(List.of("ip", "netns", "del", name));
        must("ip", "netns", "add", name);
        namespaces.add(name);
        must("ip", "-n", name, "link", "set", "lo", "up");
        return name;
    }

    /** A bridge in namespace {@code switchNs}, named {@code br0}, up. */
    public void bridge(String switchNs) {
        must("ip", "-n", switchNs, "link", "add", "br0", "type", "bridge");
        must("ip", "-n", switchNs, "link", "set", "br0", "up");
    }

    /**
     * Connects {@code ns} to the bridge of {@code switchNs} with a veth whose namespace end is named {@code ifname}
     * and carries {@code cidr} (e.g. 192.0.2.11/24); {@code mac} may be null.
     */
    public void plug(String switchNs, String ns, String ifname, String cidr, String mac) {
        String outer = "v" + Integer.toHexString((ns + ifname).hashCode());
        must("ip", "-n", switchNs, "link", "add", outer, "type", "veth", "peer", "name", ifname, "netns", ns);
        must("ip", "-n", switchNs, "link", "set", outer, "master", "br0", "up");
        if (mac != null) {
            must("ip", "-n", ns, "link", "set", ifname, "address", mac);
        }
        if (cidr != null) {
            must("ip", "-n", ns, "addr", "add", cidr, "brd", "+", "dev", ifname);
        }
        must("ip", "-n", ns, "link", "set", ifname, "up");
    }

    /** Runs a command inside a namespace and waits (30 s at most). */
    public static Result exec(String ns, String... argv) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(argv));
        return run(cmd);
    }

    /**
     * How every long-running process of a test node starts: without CAP_SYS_BOOT, because a network namespace does not
     * contain {@code reboot()} and a node that reboots "itself" would reboot the machine running the tests.
     */
    public static final List<String> NO_REBOOT = List.of("setpriv", "--bounding-set", "-sys_boot", "--inh-caps", "-sys_boot", "--");

    /**
     * Starts a long-running command in a namespace, without CAP_SYS_BOOT ({@link #NO_REBOOT}; setpriv execs, so the
     * process is the command itself); it is killed (with its descendants) in {@link #close()}.
     */
    public Process start(String ns, java.nio.file.Path log, String... argv) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(NO_REBOOT);
        cmd.addAll(List.of(argv));
        return start(cmd, log);
    }

    /**
     * Starts a long-running command line as given (e.g. one that enters a namespace itself, such as
     * deploy/lab/topology.sh exec); it is killed (with its descendants) in {@link #close()}.
     */
    public Process start(List<String> cmd, java.nio.file.Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    public void must(String... argv) {
        Result r = run(List.of(argv));
        if (r.exitCode != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed (" + r.exitCode + "): " + r.output);
        }
    }

    public record Result(int exitCode, String output) {
    }

    public static Result run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return new Result(-1, "timed out: " + String.join(" ", argv));
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }

    private synchronized void cleanup() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        for (String ns : namespaces) {
            // Processes started by the test inside the namespace but not through start(): end them by PID.
            Result pids = run(List.of("ip", "netns", "pids", ns));
            for (String pid : pids.output.split("\\s+")) {
                if (pid.matches("\\d+")) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            run(List.of("ip", "netns", "del", ns));
        }
        namespaces.clear();
    }

    @Override
    public void close() {
        cleanup();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }
}
