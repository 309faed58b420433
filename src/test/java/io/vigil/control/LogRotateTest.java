package io.vigil.control;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shipped logrotate rule (deploy/logrotate/vigil), run by the real logrotate three times while Vigil's log
 * handlers write as fast as they can: every line ends up in exactly one file, the daemon never reopening anything
 * (each line is an open/append/close), so neither copytruncate nor a signal is needed.
 */
class LogRotateTest {

    private static final Logger LOG = Logger.getLogger("io.vigil.test.LogRotateTest");
    private static final Path LOGROTATE = Path.of("/usr/sbin/logrotate");

    @AfterEach
    void reset() {
        LogSetup.reset();
    }

    @Test
    void noLineLostOrDoubledAcrossRotations(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(LOGROTATE), "logrotate is not installed (apt-get install logrotate)");
        Path log = tmp.resolve("ha-log");
        Path debug = tmp.resolve("ha-debug");
        String rule = Files.readString(Path.of("deploy/logrotate/vigil"))
                .replace("/var/log/ha-log", log.toString()).replace("/var/log/ha-debug", debug.toString());
        assertTrue(rule.contains(log + " " + debug + " {"), rule);
        Path conf = tmp.resolve("logrotate.conf");
        Files.writeString(conf, rule);

        LogSetup.apply(log.toString(), debug.toString(), null, 1);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        Thread writer = new Thread(() -> {
            while (!stop.get()) {
                LOG.infof("line %d", written.getAndIncrement());
            }
        }, "writer");
        writer.start();
        for (int i = 0; i < 3; i++) {
            Thread.sleep(300);
            Process p = new ProcessBuilder(LOGROTATE.toString(), "-f", "-s", tmp.resolve("state").toString(), conf.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
        }
        Thread.sleep(200);
        stop.set(true);
        writer.join();
        LogSetup.flush(); // the lines still queued for the writer thread
        int n = written.get();
        System.out.println("logrotate: " + n + " lines written during 3 forced rotations");

        for (Path base : List.of(log, debug)) {
            List<Path> files = List.of(base, Path.of(base + ".1"), Path.of(base + ".2.gz"), Path.of(base + ".3.gz"));
            boolean[] seen = new boolean[n];
            long reportedDropped = 0;
            for (Path f : files) {
                assertTrue(Files.exists(f), f + " exists (the newest rotation uncompressed: delaycompress)");
                String text = text(f);
                List<Integer> numbers = numbers(text);
                assertTrue(!numbers.isEmpty(), f + " got lines");
                for (int k : numbers) {
                    assertTrue(!seen[k], "line " + k + " written once");
                    seen[k] = true;
                }
                Matcher d = Pattern.compile("(\\d+) log lines dropped: the log file could not keep up").matcher(text);
                while (d.find()) {
                    reportedDropped += Long.parseLong(d.group(1));
                }
            }
            long missing = 0;
            for (int k = 0; k < n; k++) {
                missing += seen[k] ? 0 : 1;
            }
            // A writer as fast as this one can outrun the disk: the handler then drops lines, but says how many.
            System.out.println(base.getFileName() + ": " + missing + " lines dropped under the flood, " + reportedDropped
                    + " reported");
            assertEquals(reportedDropped, missing, "every line is in one of " + files + " or counted as dropped");
        }
    }

    private static String text(Path f) throws IOException {
        try (InputStream in = f.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(f)) : Files.newInputStream(f)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<Integer> numbers(String text) {
        List<Integer> numbers = new ArrayList<>();
        Matcher m = Pattern.compile("info: line (\\d+)\n").matcher(text);
        while (m.find()) {
            numbers.add(Integer.parseInt(m.group(1)));
        }
        return numbers;
    }
}
