package io.vigil.failover.transcript;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The failover core's scenario transcripts ({@code src/test/resources/failover/transcripts/*.txt}): one node, fed
 * packets, timers, completions and operator requests; each command's output (actions sent, groups started and
 * stopped, log lines, and with {@code wire=on} the signed bytes of every packet) must match the file.
 * <p>
 * After an intended change: {@code ./mvnw -B -o test -Dtest=TranscriptTest -Dtranscripts.rewrite=true} writes the
 * actual output into the files; review the diff before committing it.
 */
class TranscriptTest {

    static final Path DIR = Path.of("src/test/resources/failover/transcripts");

    @TestFactory
    Stream<DynamicTest> transcripts() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no transcripts in " + DIR);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
    }

    private static void check(Path file) throws IOException {
        Transcript t = Transcript.read(file);
        List<List<String>> actual = run(t);
        if (Boolean.getBoolean("transcripts.rewrite")) {
            Files.writeString(file, t.render(actual), StandardCharsets.UTF_8);
            return;
        }
        List<Transcript.Block> commands = t.blocks().stream().filter(b -> b.command() != null).toList();
        for (int i = 0; i < commands.size(); i++) {
            Transcript.Block b = commands.get(i);
            if (!b.output().equals(actual.get(i))) {
                fail(file.getFileName() + ":" + b.line() + ": " + b.command() + "\n--- expected\n"
                        + String.join("\n", b.output()) + "\n--- actual\n" + String.join("\n", actual.get(i))
                        + "\n(after an intended change: -Dtranscripts.rewrite=true, then review the diff)");
            }
        }
    }

    static List<List<String>> run(Transcript t) {
        TranscriptRunner runner = new TranscriptRunner();
        List<List<String>> actual = new ArrayList<>();
        for (Transcript.Block b : t.blocks()) {
            if (b.command() == null) {
                continue;
            }
            try {
                actual.add(runner.run(b.command()));
            } catch (RuntimeException e) {
                throw new IllegalStateException(t.file().getFileName() + ":" + b.line() + ": " + b.command(), e);
            }
        }
        return actual;
    }
}
