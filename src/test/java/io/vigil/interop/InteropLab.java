package io.vigil.interop;

import io.vigil.testsupport.Netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The two-node namespace lab of {@code deploy/lab/lab.sh}, driven from a test: one node runs the packaged Vigil, the
 * other the Debian package of Heartbeat 3.0.6 (or both the same). Every call is one {@code lab.sh} sub-command with
 * this lab's environment ({@code LAB_NS_PREFIX}, {@code LAB_DIR}, {@code LAB_IMPL_<node>}, timers, authkeys method).
 * <p>
 * Timers: keepalive 500 ms, deadtime 3 s (the behaviour under test does not depend on the tutorial's 1 s / 10 s), and
 * initdead 30 s, so that a JVM that takes long to start on a busy machine is not declared dead at start-up.
 */
final class InteropLab implements AutoCloseable {

    static final String HEARTBEAT = "/usr/libexec/heartbeat/heartbeat";
    static final String VIP = "192.0.2.253";
    static final double DEADTIME_S = 3;

    private static final Path REPO = Path.of(System.getProperty("user.dir"));
    private static final Path LAB_SH = REPO.resolve("deploy/lab/lab.sh");
    private static final Path TIMINGS = REPO.resolve("target/interop-timings.txt");

    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, String> impl = new LinkedHashMap<>();
    private final Path dir;
    private final String jar;

    /** Skips the calling test unless it runs as root with namespaces, the packaged app and Heartbeat 3.0.6. */
    static void assumeAvailable() {
        Netns.assumeAvailable();
        assumeTrue(Files.isExecutable(Path.of(HEARTBEAT)), "Heartbeat 3.0.6 is not installed (apt-get install heartbeat)");
        assumeTrue(Files.isRegularFile(app()), "the packaged application is missing (" + app() + "): run mvn package");
    }

    private static Path app() {
        return Path.of(System.getProperty("vigil.app", REPO.resolve("target/quarkus-app/quarkus-run.jar").toString()));
    }

    /** {@code linux1} and {@code linux2}: "vigil" or "heartbeat"; authkeys: "sha1", "md5" or "crc". */
    InteropLab(String linux1, String linux2, String authkeys) {
        this.dir = Path.of(System.getProperty("interop.lab.dir", "/tmp/vi-lab"));
        this.jar = app().toAbsolutePath().toString();
        impl.put("linux1", linux1);
        impl.put("linux2", linux2);
        env.put("LAB_NS_PREFIX", System.getProperty("interop.lab.prefix", "vi-"));
        env.put("LAB_DIR", dir.toString());
        env.put("LAB_IMPL_linux1", linux1);
        env.put("LAB_IMPL_linux2", linux2);
        env.put("LAB_KEEPALIVE", "500ms");
        env.put("LAB_DEADTIME", "3");
        env.put("LAB_INITDEAD", "30");
        env.put("LAB_AUTHKEYS", authkeys);
        env.put("LAB_NO_INSTALL", "1");
        env.put("VIGIL_CMD", "java -XX:+UseSerialGC -Xmx48m -XX:TieredStopAtLevel=1 -jar " + jar);
    }

    record Result(int rc, String out) {
    }

    Result lab(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", LAB_SH.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            Path out = Files.createTempFile("vi-lab-", ".out");
            try {
                pb.redirectOutput(out.toFile());
                Process p = pb.start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor();
                    fail("lab.sh " + String.join(" ", args) + " did not finish within " + timeout + ": "
                            + Files.readString(out));
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a lab.sh sub-command that must succeed; returns its output. */
    String ok(Duration timeout, String... args) {
        Result r = lab(timeout, args);
        assertEquals(0, r.rc(), () -> "lab.sh " + String.join(" ", args) + " failed:\n" + r.out() + diagnostics());
        return r.out();
    }

    void up() {
        lab(Duration.ofSeconds(60), "down");
        ok(Duration.ofSeconds(120), "up");
    }

    void start(String node) {
        ok(Duration.ofSeconds(90), "start", node);
    }

    /** Waits until the VIP is on {@code node} alone; returns the seconds waited. */
    double waitVip(String node, double seconds) {
        Result r = lab(Duration.ofSeconds((long) seconds + 30), "wait-vip", node, String.valueOf((int) Math.ceil(seconds)));
        if (r.rc() != 0) {
            fail("the VIP is not on " + node + " alone after " + seconds + " s\n" + r.out() + diagnostics());
        }
        String[] lines = r.out().strip().split("\n");
        return Double.parseDouble(lines[lines.length - 1].strip());
    }

    /** True while the VIP is configured on {@code node}. */
    boolean vipOn(String node) {
        return lab(Duration.ofSeconds(20), "exec", node, "ip", "-4", "-o", "addr", "show", "dev", "eth0").out()
                .contains(" " + VIP + "/");
    }

    /** The node's daemon log (Heartbeat: ha-log with the resource scripts' lines; Vigil: its console output). */
    String log(String node) {
        return lab(Duration.ofSeconds(20), "log", node).out();
    }

    /** The node's log file, {@code /var/log/ha-log} of ha.cf's {@code logfile}: both implementations write it (a file
     *  that only grows, so an offset taken before a step selects the lines of that step). */
    String haLog(String node) {
        try {
            Path f = dir.resolve(node).resolve("log/ha-log");
            return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code cl_status ARGS} on a Heartbeat node, retried until {@code accept} holds (the API refuses sign-ons for a
     *  moment at start-up); returns the last output. */
    String clStatus(String node, Predicate<String> accept, Duration within, String... args) {
        List<String> cmd = new ArrayList<>(List.of("exec", node, "cl_status"));
        cmd.addAll(List.of(args));
        long end = System.nanoTime() + within.toNanos();
        String last;
        do {
            last = lab(Duration.ofSeconds(20), cmd.toArray(String[]::new)).out().strip();
            if (accept.test(last)) {
                return last;
            }
            sleep(500);
        } while (System.nanoTime() < end);
        return last;
    }

    /** {@code vigil status} on a Vigil node. */
    String vigilStatus(String node) {
        return ok(Duration.ofSeconds(60), "exec", node, "java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar,
                "status", "--run-dir", dir.resolve(node).resolve("run/vigil").toString());
    }

    /** {@code vigil ARGS --run-dir <node's run dir>} on a Vigil node; returns the output (exit code must be 0). */
    String vigil(String node, String... args) {
        List<String> cmd = new ArrayList<>(List.of("exec", node, "java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--run-dir", dir.resolve(node).resolve("run/vigil").toString()));
        return ok(Duration.ofSeconds(60), cmd.toArray(String[]::new));
    }

    /** The node's directory in the lab ({@code ha.d/} holds the files its daemon reads). */
    Path nodeDir(String node) {
        return dir.resolve(node);
    }

    /** The status Vigil's {@code vigil status} table shows for {@code peer}, or "" when the row is missing. */
    static String vigilRowStatus(String status, String peer) {
        var m = Pattern.compile("(?m)^\\s*" + Pattern.quote(peer) + "\\s+normal\\s+(\\S+)").matcher(status);
        return m.find() ? m.group(1) : "";
    }

    /** Starts {@code lab.sh ARGS} without waiting (e.g. a graceful stop whose takeover is measured meanwhile). */
    Process background(String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", LAB_SH.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String impl(String node) {
        return impl.get(node);
    }

    /** Records a measured figure (stdout and target/interop-timings.txt). */
    void measured(String what, double seconds) {
        String line = String.format("interop [%s=%s %s=%s, %s]: %s: %.2f s%n", "linux1", impl.get("linux1"), "linux2",
                impl.get("linux2"), env.get("LAB_AUTHKEYS"), what, seconds);
        System.out.print(line);
        try {
            Files.createDirectories(TIMINGS.getParent());
            Files.writeString(TIMINGS, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("could not record the figure: " + e);
        }
    }

    String diagnostics() {
        StringBuilder b = new StringBuilder("\n--- lab status\n").append(lab(Duration.ofSeconds(90), "status").out());
        for (String node : List.of("linux1", "linux2")) {
            String log = log(node);
            String[] lines = log.split("\n");
            b.append("\n--- last lines of ").append(node).append("'s log (").append(impl.get(node)).append(")\n");
            for (int i = Math.max(0, lines.length - 40); i < lines.length; i++) {
                b.append(lines[i]).append('\n');
            }
        }
        return b.toString();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        lab(Duration.ofSeconds(120), "down");
    }
}
