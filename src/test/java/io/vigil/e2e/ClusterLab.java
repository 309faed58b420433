package io.vigil.e2e;

import io.vigil.testsupport.Netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A cluster of real Vigil daemons in network namespaces on one bridge (192.0.2.0/24): a switch namespace whose
 * bridge carries the router address 192.0.2.1 (the ping node), a client at 192.0.2.100, and nodes at .11, .12, …
 * Each node runs the packaged application ({@code vigil.app}) with its own config, run and state directories.
 */
public final class ClusterLab implements AutoCloseable {

    public static final String ROUTER = "192.0.2.1";
    public static final String CLIENT_IP = "192.0.2.100";
    public static final String VIP = "192.0.2.253";

    private final String prefix;
    private final Path dir;
    private final Netns netns = new Netns();
    private final String switchNs;
    private final String clientNs;
    private final Map<String, Node> nodes = new LinkedHashMap<>();

    public final class Node {
        public final String name;
        public final String ns;
        public final String ip;
        public final Path home;
        private Process process;

        Node(String name, String ns, String ip) {
            this.name = name;
            this.ns = ns;
            this.ip = ip;
            this.home = dir.resolve(name);
        }

        public Path configDir() {
            return home.resolve("ha.d");
        }

        public Path runDir() {
            return home.resolve("run");
        }

        public Path log() {
            return home.resolve("vigil.out");
        }

        public String mac() {
            return String.format("02:00:00:00:00:%02x", Integer.parseInt(ip.substring(ip.lastIndexOf('.') + 1)));
        }

        /** Writes the three Heartbeat files (authkeys mode 600) and optional vigil.properties. */
        public Node configure(String haCf, String authkeys, String haresources, String vigilProperties) throws IOException {
            Files.createDirectories(configDir());
            Files.writeString(configDir().resolve("ha.cf"), haCf);
            Path keys = configDir().resolve("authkeys");
            Files.writeString(keys, authkeys);
            Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(configDir().resolve("haresources"), haresources);
            if (vigilProperties != null) {
                Files.writeString(configDir().resolve("vigil.properties"), vigilProperties);
            }
            return this;
        }

        public Process start() throws IOException {
            Files.createDirectories(home);
            Files.writeString(log(), "---- start " + java.time.Instant.now() + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            List<String> argv = new ArrayList<>(javaCommand());
            argv.addAll(List.of("run", "--config-dir", configDir().toString(), "--node-name", name,
                    "--run-dir", runDir().toString(), "--state-dir", home.resolve("state").toString()));
            process = netns.start(ns, log(), argv.toArray(String[]::new));
            return process;
        }

        public Process process() {
            return process;
        }

        /** SIGTERM and wait for the exit code. */
        public int stop(Duration timeout) throws InterruptedException {
            ProcessHandle daemon = daemonHandle();
            daemon.destroy();
            if (!daemon.onExit().toCompletableFuture().completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS).isDone()
                    || daemon.isAlive()) {
                throw new AssertionError(name + " did not stop within " + timeout);
            }
            process.waitFor(5, TimeUnit.SECONDS);
            return process.exitValue();
        }

        /** The JVM itself (ip netns exec execs it, so it is the process we started). */
        public ProcessHandle daemonHandle() {
            return process.toHandle();
        }

        public void kill9() {
            daemonHandle().destroyForcibly();
        }

        public void signal(String sig) {
            Netns.run(List.of("kill", "-" + sig, Long.toString(daemonHandle().pid())));
        }

        public void linkDown() {
            netns.must("ip", "-n", ns, "link", "set", "eth0", "down");
        }

        public void linkUp() {
            netns.must("ip", "-n", ns, "link", "set", "eth0", "up");
        }

        public boolean holds(String address) {
            return Netns.exec(ns, "ip", "-o", "addr", "show", "dev", "eth0").output().contains(" " + address + "/");
        }

        public String addresses() {
            return Netns.exec(ns, "ip", "addr", "show", "dev", "eth0").output();
        }

        /** Runs a vigil CLI command against this node's daemon (a JVM boot: seconds). */
        public Netns.Result cli(String... args) {
            List<String> argv = new ArrayList<>(javaCommand());
            argv.addAll(List.of(args));
            argv.addAll(List.of("--run-dir", runDir().toString()));
            return Netns.exec(ns, argv.toArray(String[]::new));
        }

        public String logText() {
            try {
                return Files.readString(log());
            } catch (IOException e) {
                return "";
            }
        }
    }

    public ClusterLab(String prefix, Path dir) {
        this.prefix = prefix;
        this.dir = dir;
        this.switchNs = netns.add(prefix + "-sw");
        netns.bridge(switchNs);
        netns.must("ip", "-n", switchNs, "addr", "add", ROUTER + "/24", "dev", "br0");
        this.clientNs = netns.add(prefix + "-cl");
        netns.plug(switchNs, clientNs, "eth0", CLIENT_IP + "/24", "02:00:00:00:00:64");
    }

    public Node node(String name, String ip) {
        Node n = new Node(name, netns.add(prefix + "-" + name), ip);
        netns.plug(switchNs, n.ns, "eth0", ip + "/24", n.mac());
        nodes.put(name, n);
        return n;
    }

    public Node node(String name) {
        return nodes.get(name);
    }

    public String clientNs() {
        return clientNs;
    }

    public String switchNs() {
        return switchNs;
    }

    public Netns netns() {
        return netns;
    }

    /** The MAC that answers an ARP request for the address, seen from the client (null when nobody answers). */
    public String arpOwner(String address) {
        Netns.Result r = Netns.exec(clientNs, "arping", "-c", "1", "-w", "1", "-I", "eth0", address);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[([0-9a-fA-F:]{17})\\]").matcher(r.output());
        return m.find() ? m.group(1).toLowerCase(java.util.Locale.ROOT) : null;
    }

    public boolean clientReaches(String address) {
        return Netns.exec(clientNs, "ping", "-c", "1", "-W", "1", address).exitCode() == 0;
    }

    public static String javaCommand0() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static List<String> javaCommand() {
        String app = System.getProperty("vigil.app", "target/quarkus-app/quarkus-run.jar");
        return List.of(javaCommand0(), "-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-Dvigil.resource-dir=" + Path.of("resource.d").toAbsolutePath(), "-jar", app);
    }

    /** Polls until the condition holds; returns the elapsed milliseconds, or fails with the message. */
    public static long await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
    }

    public String logs() {
        StringBuilder b = new StringBuilder();
        for (Node n : nodes.values()) {
            b.append("==== ").append(n.name).append(" log\n").append(tail(n.logText(), 80)).append('\n');
        }
        return b.toString();
    }

    private static String tail(String s, int lines) {
        String[] all = s.split("\n");
        return String.join("\n", java.util.Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
    }

    @Override
    public void close() {
        netns.close();
    }
}
