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
 * <p>
 * The namespaces are built by {@code deploy/lab/topology.sh}, the one topology builder of the labs ({@code make lab},
 * the Pacemaker lab): each node has its own hostname and mount namespace, and every process run in a node (daemon,
 * CLI) has CAP_SYS_BOOT removed.
 */
public final class ClusterLab implements AutoCloseable {

    /** The shared topology builder (deploy/lab/topology.sh). */
    static final Path TOPOLOGY = Path.of("deploy/lab/topology.sh").toAbsolutePath();

    public static final String ROUTER = "192.0.2.1";
    public static final String CLIENT_IP = "192.0.2.100";
    public static final String VIP = "192.0.2.253";

    private final Path dir;
    private final Netns netns = new Netns();
    private final String switchNs;
    private final String clientNs;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Thread hook = new Thread(this::down, "cluster-lab-down");

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

        /** This node's resource.d: a copy of the shipped scripts plus any test script written by {@link #script}. */
        public Path resourceDir() {
            return home.resolve("resource.d");
        }

        /** Flag files read by test scripts ({@link ClusterLab#FLAKY}): touch one to make an operation fail or hang. */
        public Path flags() {
            return home.resolve("flags");
        }

        public void flag(String name, boolean on) throws IOException {
            Files.createDirectories(flags());
            if (on) {
                Files.writeString(flags().resolve(name), "");
            } else {
                Files.deleteIfExists(flags().resolve(name));
            }
        }

        /** Writes an executable script into this node's resource.d. */
        public Node script(String name, String body) throws IOException {
            Files.createDirectories(resourceDir());
            Path f = resourceDir().resolve(name);
            Files.writeString(f, body);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
            return this;
        }

        /** The state file the shipped Dummy script keeps while started. */
        public boolean dummyStarted(String name) {
            return Files.exists(runDir().resolve("resource-agents").resolve("vigil-Dummy-" + name + ".state"));
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
            Files.deleteIfExists(configDir().resolve("vigil.properties"));
            if (vigilProperties != null) {
                Files.writeString(configDir().resolve("vigil.properties"), vigilProperties);
            }
            Files.createDirectories(resourceDir());
            try (var shipped = Files.list(Path.of("resource.d"))) {
                for (Path f : shipped.toList()) {
                    Files.copy(f, resourceDir().resolve(f.getFileName().toString()),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            script("Flaky", FLAKY);
            Files.createDirectories(flags());
            return this;
        }

        public Process start() throws IOException {
            Files.createDirectories(home);
            Files.writeString(log(), "---- start " + java.time.Instant.now() + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            List<String> argv = new ArrayList<>(javaCommand(resourceDir()));
            argv.addAll(List.of("run", "--config-dir", configDir().toString(), "--node-name", name,
                    "--run-dir", runDir().toString(), "--state-dir", home.resolve("state").toString()));
            process = startIn(this, log(), argv);
            return process;
        }

        /** Runs a command in this node (its namespaces, no CAP_SYS_BOOT) and waits (30 s at most). */
        public Netns.Result exec(String... argv) {
            return Netns.run(inNode(this, List.of(argv)));
        }

        public Process process() {
            return process;
        }

        /** SIGTERM and wait for the exit code. */
        public int stop(Duration timeout) throws InterruptedException {
            process.destroy();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not stop within " + timeout);
            }
            return process.exitValue();
        }

        /** The JVM itself (topology.sh, nsenter and setpriv exec it, so it is the process we started). */
        public ProcessHandle daemonHandle() {
            return process.toHandle();
        }

        public void kill9() {
            daemonHandle().destroyForcibly();
        }

        public void signal(String sig) {
            Netns.run(List.of("kill", "-" + sig, Long.toString(daemonHandle().pid())));
        }

        /**
         * A host crash: the link goes down, every process of the node is killed (SIGKILL), its service addresses and
         * its /run (the resource scripts' state files) are lost, as with a power cut. {@link #start()} boots it again
         * once {@link #linkUp()} has brought the link back.
         */
        public void crash() throws IOException {
            linkDown();
            for (String pid : topology("pids", dir.toString(), name).output().split("\\s+")) {
                if (pid.matches("\\d+")) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            for (String line : Netns.run(List.of("ip", "-n", ns, "-4", "-o", "addr", "show", "dev", "eth0")).output().split("\n")) {
                String[] w = line.trim().split("\\s+");
                if (w.length > 3 && w[2].equals("inet") && !w[3].startsWith(ip + "/")) {
                    Netns.run(List.of("ip", "-n", ns, "addr", "del", w[3], "dev", "eth0"));
                }
            }
            if (Files.exists(runDir())) {
                try (var walk = Files.walk(runDir())) {
                    walk.sorted(java.util.Comparator.reverseOrder()).filter(f -> !f.equals(runDir())).forEach(f -> f.toFile().delete());
                }
            }
        }

        public void linkDown() {
            netns.must("ip", "-n", ns, "link", "set", "eth0", "down");
        }

        public void linkUp() {
            netns.must("ip", "-n", ns, "link", "set", "eth0", "up");
        }

        public boolean alive() {
            return process != null && process.isAlive();
        }

        /** Prometheus text of the daemon's metrics endpoint (loopback of the node's namespace). */
        public String metrics() {
            return Netns.exec(ns, "curl", "-s", "-m", "5", "http://127.0.0.1:9694/q/metrics").output();
        }

        /** {@code vigil_packets_dropped_total} for one reason (its metric label), 0 when absent. */
        public double dropped(String reason) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("vigil_packets_dropped_total\\{reason=\""
                    + reason + "\",?} ([0-9.Ee+-]+)").matcher(metrics());
            return m.find() ? Double.parseDouble(m.group(1)) : 0;
        }

        /**
         * The largest gap between two packets this node accepted, from its received counter sampled every 50 ms for
         * {@code span}; {@code each} runs at every sample with the current time (checks on the rest of the lab).
         */
        public long largestReceiveGap(Duration span, Sample each) throws Exception {
            long end = System.currentTimeMillis() + span.toMillis();
            long lastIncrease = System.currentTimeMillis();
            double lastCount = metric("vigil_packets_received_total");
            long maxGap = 0;
            while (System.currentTimeMillis() < end) {
                double count = metric("vigil_packets_received_total");
                long now = System.currentTimeMillis();
                if (count > lastCount) {
                    maxGap = Math.max(maxGap, now - lastIncrease);
                    lastIncrease = now;
                    lastCount = count;
                }
                each.at(now);
                Thread.sleep(50);
            }
            return maxGap;
        }

        /** Sum of the samples of one metric (all tags), or -1 when the endpoint does not answer. */
        public double metric(String name) {
            String text = metrics();
            if (!text.contains("# TYPE")) {
                return -1;
            }
            double sum = 0;
            for (String line : text.split("\n")) {
                if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return sum;
        }

        /** Drops a share of the heartbeat packets (UDP 694) this node receives: netem when the kernel has it, else iptables. */
        public String loss(int percent) {
            Netns.Result tc = Netns.exec(ns, "tc", "qdisc", "add", "dev", "eth0", "root", "netem", "loss", percent + "%");
            if (tc.exitCode() == 0) {
                return "tc netem loss " + percent + "% on " + name + " eth0 egress";
            }
            netns.must("ip", "netns", "exec", ns, "iptables", "-I", "INPUT", "-p", "udp", "--dport", "694", "-m",
                    "statistic", "--mode", "random", "--probability", Double.toString(percent / 100.0), "-j", "DROP");
            return "iptables statistic drop " + percent + "% of UDP 694 received by " + name
                    + " (tc netem unavailable: " + tc.output().trim() + ")";
        }

        public void clearLoss() {
            Netns.exec(ns, "tc", "qdisc", "del", "dev", "eth0", "root");
            Netns.exec(ns, "iptables", "-F", "INPUT");
        }

        /** Cuts this node off from the heartbeats (UDP 694 both ways) while the LAN and the ping node stay reachable. */
        public void blockHeartbeats(boolean on) {
            for (String chain : List.of("INPUT", "OUTPUT")) {
                Netns.exec(ns, "iptables", on ? "-I" : "-D", chain, "-p", "udp", "--dport", "694", "-j", "DROP");
            }
        }

        /** Makes the ping node unreachable from this node (ICMP echo replies dropped). */
        public void blockPing(boolean on) {
            Netns.exec(ns, "iptables", on ? "-I" : "-D", "INPUT", "-p", "icmp", "-s", ROUTER, "-j", "DROP");
        }

        public boolean holds(String address) {
            return Netns.exec(ns, "ip", "-o", "addr", "show", "dev", "eth0").output().contains(" " + address + "/");
        }

        public String addresses() {
            return Netns.exec(ns, "ip", "addr", "show", "dev", "eth0").output();
        }

        /** Runs a vigil CLI command against this node's daemon (a JVM boot: seconds). */
        public Netns.Result cli(String... args) {
            List<String> argv = new ArrayList<>(javaCommand(resourceDir()));
            argv.addAll(List.of(args));
            argv.addAll(List.of("--run-dir", runDir().toString()));
            return exec(argv.toArray(String[]::new));
        }

        public String logText() {
            try {
                return Files.readString(log());
            } catch (IOException e) {
                return "";
            }
        }
    }

    /** Namespaces {@code <prefix>-switch}, {@code <prefix>-client} and {@code <prefix>-<node>}; files under {@code dir}. */
    public ClusterLab(String prefix, Path dir) {
        this.dir = dir;
        Runtime.getRuntime().addShutdownHook(hook);
        // a namespace left by an earlier run that died (its record went with the directory)
        List.of(prefix + "-switch", prefix + "-client").forEach(ns -> Netns.run(List.of("ip", "netns", "del", ns)));
        mustTopology("up", dir.toString(), prefix + "-", ROUTER + "/24", CLIENT_IP + "/24", "02:00:00:00:00:64");
        this.switchNs = prefix + "-switch";
        this.clientNs = prefix + "-client";
    }

    /** A check run at each sample of {@link Node#largestReceiveGap}. */
    public interface Sample {
        void at(long nowMillis) throws Exception;
    }

    public Node node(String name, String ip) {
        Node n = new Node(name, topologyNs(name), ip);
        Netns.run(List.of("ip", "netns", "del", n.ns));
        mustTopology("node", dir.toString(), name, ip + "/24", n.mac());
        nodes.put(name, n);
        return n;
    }

    private String topologyNs(String name) {
        return switchNs.substring(0, switchNs.length() - "switch".length()) + name;
    }

    private static Netns.Result topology(String... args) {
        List<String> argv = new ArrayList<>(List.of(TOPOLOGY.toString()));
        argv.addAll(List.of(args));
        return Netns.run(argv);
    }

    private static void mustTopology(String... args) {
        Netns.Result r = topology(args);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("topology.sh " + String.join(" ", args) + " failed (" + r.exitCode() + "): " + r.output());
        }
    }

    private List<String> inNode(Node node, List<String> argv) {
        List<String> cmd = new ArrayList<>(List.of(TOPOLOGY.toString(), "exec", dir.toString(), node.name));
        cmd.addAll(argv);
        return cmd;
    }

    /** Starts a long-running command in a node, output appended to {@code log}; ended in {@link #close()}. */
    Process startIn(Node node, Path log, List<String> argv) throws IOException {
        return netns.start(inNode(node, argv), log);
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

    public static List<String> javaCommand(Path resourceDir) {
        String app = System.getProperty("vigil.app", "target/quarkus-app/quarkus-run.jar");
        return List.of(javaCommand0(), "-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-Dvigil.resource-dir=" + resourceDir.toAbsolutePath(), "-jar", app);
    }

    /**
     * A resource script whose operations fail or hang on demand: flag files {@code fail-start}, {@code fail-stop},
     * {@code hang-start}, {@code hang-stop} in the node's {@code flags} directory (next to resource.d).
     */
    public static final String FLAKY = """
            #!/bin/sh
            # Flaky [<name>] start|stop|status - test resource; behaviour chosen by flag files.
            case $# in 1) NAME=default; OP=$1 ;; *) NAME=$1; OP=$2 ;; esac
            FLAGS=$(cd "$(dirname "$0")/../flags" && pwd)
            STATE=${HA_RSCTMP:-/tmp}/vigil-Flaky-$NAME.state
            case $OP in
              start)
                [ -e "$FLAGS/hang-start" ] && sleep 3600
                [ -e "$FLAGS/fail-start" ] && { echo "Flaky: start fails on purpose" >&2; exit 1; }
                mkdir -p "$(dirname "$STATE")" && touch "$STATE"; exit 0 ;;
              stop)
                [ -e "$FLAGS/hang-stop" ] && sleep 3600
                [ -e "$FLAGS/fail-stop" ] && { echo "Flaky: stop fails on purpose" >&2; exit 1; }
                rm -f "$STATE"; exit 0 ;;
              status|monitor)
                if [ -f "$STATE" ]; then echo running; exit 0; fi
                echo stopped; exit 3 ;;
              *) exit 2 ;;
            esac
            """;

    /** Asserts a measured figure against its bound and prints the line the report collects. */
    public static void bound(String row, long measuredMs, long limitMs) {
        System.out.println("BOUND " + row + ": measured " + measuredMs + " ms (limit " + limitMs + " ms)");
        if (measuredMs > limitMs) {
            throw new AssertionError("BOUND " + row + " exceeded: " + measuredMs + " ms > " + limitMs + " ms");
        }
    }

    /** Nodes holding the address right now. */
    public List<String> holders(String address) {
        List<String> h = new ArrayList<>();
        for (Node n : nodes.values()) {
            if (n.holds(address)) {
                h.add(n.name);
            }
        }
        return h;
    }

    /** Waits until exactly {@code node} holds the address (and nobody else); returns the elapsed ms. */
    public long awaitSoleHolder(String address, String node, Duration timeout) throws InterruptedException {
        return await(timeout, () -> address + " held by " + node + " only\n" + logs(),
                () -> holders(address).equals(List.of(node)));
    }

    /**
     * Client-side outage probe: {@code ping -i 0.02} from the client to an address, each reply stamped when its line
     * arrives (this host's ping is GNU inetutils, without iputils' {@code -D}); the largest gap between two replies is
     * the outage the client saw.
     */
    public final class PingProbe implements AutoCloseable {
        private final Process process;
        private final List<Long> replies = java.util.Collections.synchronizedList(new ArrayList<>());
        /** The icmp_seq of each reply, in arrival order. */
        private final List<Long> seqs = java.util.Collections.synchronizedList(new ArrayList<>());

        PingProbe(String address) throws IOException {
            process = new ProcessBuilder("ip", "netns", "exec", clientNs, "stdbuf", "-oL", "ping", "-n", "-i", "0.02", address)
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            Thread reader = new Thread(() -> {
                try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.contains(" bytes from ")) {
                            replies.add(System.currentTimeMillis());
                            java.util.regex.Matcher m = java.util.regex.Pattern.compile("icmp_seq=(\\d+)").matcher(line);
                            if (m.find()) {
                                seqs.add(Long.parseLong(m.group(1)));
                            }
                        }
                    }
                } catch (IOException e) {
                    // probe ended
                }
            }, "ping-probe");
            reader.setDaemon(true);
            reader.start();
        }

        /** Reply timestamps (epoch ms). */
        public List<Long> replies() {
            synchronized (replies) {
                return new ArrayList<>(replies);
            }
        }

        /** The largest gap between consecutive replies after {@code sinceEpochMs} (-1 when fewer than two replies). */
        public long maxGapMs(long sinceEpochMs) {
            List<Long> t = replies();
            long max = -1;
            Long prev = null;
            for (long x : t) {
                if (prev != null && x >= sinceEpochMs) {
                    max = Math.max(max, x - prev);
                }
                prev = x;
            }
            return max;
        }

        /** Probes sent between the first and the last reply, and of those the ones never answered ({sent, lost}). */
        public long[] lost() {
            synchronized (seqs) {
                if (seqs.isEmpty()) {
                    return new long[] {0, 0};
                }
                long sent = seqs.get(seqs.size() - 1) - seqs.get(0) + 1;
                return new long[] {sent, sent - seqs.stream().distinct().count()};
            }
        }

        @Override
        public void close() {
            process.destroy();
        }
    }

    public PingProbe ping(String address) throws IOException {
        return new PingProbe(address);
    }

    /** Runs {@link UdpTool} in the client namespace (it shares the bridge, so it sees and reaches every node). */
    public Netns.Result udpTool(String... args) {
        List<String> argv = new ArrayList<>(List.of(javaCommand0(), "-XX:+UseSerialGC", "-Xmx64m", "-cp",
                System.getProperty("java.class.path"), UdpTool.class.getName()));
        argv.addAll(List.of(args));
        return Netns.exec(clientNs, argv.toArray(String[]::new));
    }

    /** Polls until the condition holds; returns the elapsed milliseconds, or fails with the message. */
    public static long await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        return await(timeout, () -> what, condition);
    }

    /** As {@link #await(Duration, String, BooleanSupplier)}, the message (with logs, say) built when it fails. */
    public static long await(Duration timeout, java.util.function.Supplier<String> what, BooleanSupplier condition)
            throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what.get());
    }

    public String logs() {
        StringBuilder b = new StringBuilder();
        for (Node n : nodes.values()) {
            b.append("==== ").append(n.name).append(" output\n").append(tail(n.logText(), 40)).append('\n');
            try {
                Path haLog = n.home.resolve("ha-log");
                if (Files.exists(haLog)) {
                    b.append("==== ").append(n.name).append(" ha-log\n").append(tail(Files.readString(haLog), 60)).append('\n');
                }
            } catch (IOException e) {
                b.append(e).append('\n');
            }
        }
        return b.toString();
    }

    private static String tail(String s, int lines) {
        String[] all = s.split("\n");
        return String.join("\n", java.util.Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
    }

    /** Ends what the lab started (by PID), then every process left in its namespaces, and deletes them. */
    private void down() {
        netns.close();
        topology("down", dir.toString());
    }

    @Override
    public void close() {
        down();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }
}
