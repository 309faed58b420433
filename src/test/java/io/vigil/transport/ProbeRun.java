package io.vigil.transport;

import io.vigil.testsupport.Netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Runs the probe mains in namespaces and parses what they print. */
final class ProbeRun {

    private static final Pattern RECV = Pattern.compile(
            "RECV link=(\\S+) from=([0-9A-Fa-f.:]+):(\\d+) len=(\\d+) id=(\\S+) listed=(\\w+)");
    private static final Pattern COUNTERS = Pattern.compile(
            "COUNTERS link=(\\S+) sent=(\\d+) received=(\\d+) sendErrors=(\\d+) ownDropped=(\\d+) ownSeen=(\\w+)(?: ownUp=\\w+)?");

    record Recv(String link, String from, int port, int length, String id, boolean listed) {
    }

    record Counters(long sent, long received, long sendErrors, long ownDropped, boolean ownSeen) {
    }

    /** The output of one probe process. */
    record Output(String text) {
        List<Recv> received() {
            List<Recv> out = new ArrayList<>();
            for (String line : text.split("\n")) {
                Matcher m = RECV.matcher(line);
                if (m.matches()) {
                    out.add(new Recv(m.group(1), m.group(2), Integer.parseInt(m.group(3)),
                            Integer.parseInt(m.group(4)), m.group(5), Boolean.parseBoolean(m.group(6))));
                }
            }
            return out;
        }

        Map<String, Counters> counters() {
            Map<String, Counters> out = new LinkedHashMap<>();
            for (String line : text.split("\n")) {
                Matcher m = COUNTERS.matcher(line);
                if (m.matches()) {
                    out.put(m.group(1), new Counters(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                            Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), Boolean.parseBoolean(m.group(6))));
                }
            }
            return out;
        }

        long count(String link, String from, String id) {
            return received().stream()
                    .filter(r -> r.link().equals(link) && r.from().equals(from) && r.id().equals(id)).count();
        }

        boolean has(String line) {
            return text.lines().anyMatch(l -> l.equals(line) || l.startsWith(line));
        }
    }

    static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    static List<String> java(String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dfile.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8", "-cp", classPath(), mainClass));
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Starts one UdpProbeMain per namespace, waits until each printed READY or ERROR, lets them send together, and
     * returns their output once they have exited.
     */
    static List<Output> udpProbes(Netns netns, Path dir, Map<String, List<String>> argsByNamespace)
            throws IOException, InterruptedException {
        Path go = dir.resolve("go-" + System.nanoTime());
        List<Path> logs = new ArrayList<>();
        List<Process> processes = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : argsByNamespace.entrySet()) {
            Path log = dir.resolve(e.getKey() + "-" + System.nanoTime() + ".log");
            List<String> args = new ArrayList<>(e.getValue());
            args.addAll(List.of("--go-file", go.toString()));
            processes.add(netns.start(e.getKey(), log, java("io.vigil.transport.UdpProbeMain", args)
                    .toArray(String[]::new)));
            logs.add(log);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        for (Path log : logs) {
            while (!(read(log).contains("READY") || read(log).contains("ERROR"))) {
                if (System.nanoTime() > deadline) {
                    fail("probe did not start: " + read(log));
                }
                Thread.sleep(50);
            }
        }
        Files.createFile(go);
        List<Output> outputs = new ArrayList<>();
        for (int i = 0; i < processes.size(); i++) {
            assertTrue(processes.get(i).waitFor(90, TimeUnit.SECONDS), "probe did not finish: " + read(logs.get(i)));
            outputs.add(new Output(read(logs.get(i))));
        }
        return outputs;
    }

    static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    private ProbeRun() {
    }
}
