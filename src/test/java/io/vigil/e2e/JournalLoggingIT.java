package io.vigil.e2e;

import io.vigil.testsupport.Netns;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged daemon as systemd runs it: stdout is the journal (JOURNAL_STREAM names it), so every console line
 * carries its sd-daemon priority prefix and no timestamp. A lone node in a namespace of its own (eth0 is one end of a
 * veth pair whose other end stays in the namespace).
 */
@Tag("netns")
class JournalLoggingIT {

    @Test
    void consoleLinesAreJournalEntries() throws Exception {
        Netns.assumeAvailable();
        Path dir = E2e.dir("op-journal");
        try (Netns netns = new Netns()) {
            String ns = netns.add("op-jr");
            netns.must("ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1");
            netns.must("ip", "-n", ns, "link", "set", "eth1", "up");
            netns.must("ip", "-n", ns, "addr", "add", "198.51.100.5/24", "brd", "+", "dev", "eth0");
            netns.must("ip", "-n", ns, "link", "set", "eth0", "up");
            Path conf = Files.createDirectories(dir.resolve("ha.d"));
            Files.writeString(conf.resolve("ha.cf"), "keepalive 200ms\ndeadtime 2\ninitdead 4\nbcast eth0\n"
                    + "auto_failback on\nnode solo\n");
            Files.writeString(conf.resolve("authkeys"), E2e.AUTHKEYS);
            Files.setPosixFilePermissions(conf.resolve("authkeys"), PosixFilePermissions.fromString("rw-------"));
            Files.writeString(conf.resolve("haresources"), "");
            Path out = Files.createFile(dir.resolve("stdout"));
            String journalStream = Files.getAttribute(out, "unix:dev") + ":" + Files.getAttribute(out, "unix:ino");

            List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
            argv.addAll(ClusterLab.javaCommand(dir.resolve("resource.d")));
            argv.add(argv.size() - 2, "-Dvigil.metrics.port=0");
            argv.addAll(List.of("run", "--config-dir", conf.toString(), "--node-name", "solo", "--run-dir",
                    dir.resolve("run").toString(), "--state-dir", dir.resolve("state").toString()));
            ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().put("JOURNAL_STREAM", journalStream);
            Process daemon = pb.start();
            try {
                ClusterLab.await(Duration.ofSeconds(90), "the daemon announced itself\n" + Files.readString(out),
                        () -> read(out).contains("communication up") && Files.exists(dir.resolve("run/vigil.sock")));
                // RunCommand takes SIGTERM over only after the control socket is up (a TERM before is the JVM's: 143).
                Thread.sleep(2000);
                daemon.destroy(); // SIGTERM, as systemctl stop
                assertTrue(daemon.waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, daemon.exitValue());
            } finally {
                daemon.destroyForcibly();
            }
            List<String> lines = Files.readAllLines(out);
            List<String> vigil = lines.stream().filter(l -> l.matches("<[0-7]>.*")).toList();
            assertTrue(vigil.stream().anyMatch(l -> l.matches("<6>info: Vigil \\S+ starting on node solo .*")), lines.toString());
            assertTrue(vigil.stream().anyMatch(l -> l.startsWith("<6>info: communication up")), lines.toString());
            assertTrue(vigil.stream().noneMatch(l -> l.matches("<\\d>\\d\\d:\\d\\d:\\d\\d.*")), "no timestamp of our own");
            System.out.println("journal: " + vigil.size() + " of " + lines.size() + " console lines carry a priority prefix;"
                    + " first: " + vigil.get(0));
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
