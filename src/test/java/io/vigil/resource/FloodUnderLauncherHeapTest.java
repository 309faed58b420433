package io.vigil.resource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A script printing 100 MB, read by ProcessRunner in a JVM started with exactly the heap flags of the shipped
 * launcher ({@code deploy/bin/vigil}: a 32 MB serial-GC heap, exit on OutOfMemoryError). Before issue 13 the
 * line-based reader held a 100 MB line and the JVM died. The figures are printed; only survival and the bounds of
 * what is kept are asserted.
 */
class FloodUnderLauncherHeapTest {

    @TempDir
    Path dir;

    /** The JVM options the launcher passes, read from the launcher itself. */
    static List<String> launcherHeapFlags() throws Exception {
        String launcher = Files.readString(Path.of("deploy/bin/vigil"));
        Matcher m = Pattern.compile("\\nopts=\"(-XX:\\+UseSerialGC[^\"]*)\"").matcher(launcher);
        assertTrue(m.find(), "the launcher's opts line");
        List<String> flags = List.of(m.group(1).split(" "));
        assertTrue(flags.contains("-Xmx32m") && flags.contains("-XX:+ExitOnOutOfMemoryError"), flags.toString());
        return flags;
    }

    private String probe(String body) throws Exception {
        Path script = TestScripts.write(dir, "flood", body);
        List<String> argv = new ArrayList<>();
        argv.add(ProcessHandle.current().info().command().orElse("java"));
        argv.addAll(launcherHeapFlags());
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"), FloodProbeMain.class.getName(), script.toString(), "3"));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), "the 32 MB JVM survived:\n" + out);
        System.out.print(out.lines().filter(l -> l.startsWith("round") || l.startsWith("RESULT")).reduce("", (a, b) -> a + b + "\n"));
        return out;
    }

    @Test
    void oneHundredMegabytesWithoutANewline() throws Exception {
        String out = probe("head -c 100000000 /dev/zero | tr '\\0' x; echo ' running'\n");
        assertTrue(out.contains("text ends 'xxxx running'"), out);
        assertTrue(out.contains("RESULT"), out);
    }

    @Test
    void oneHundredMegabytesOfLines() throws Exception {
        String out = probe("yes 'a line of status output' | head -n 4200000; echo running\n");
        assertTrue(out.contains("tput\nrunning'"), out);
    }
}
