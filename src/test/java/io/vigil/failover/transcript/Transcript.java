package io.vigil.failover.transcript;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A scenario transcript: blocks of an optional comment, one command line, {@code ----}, and the output that command
 * produced (one line per action or log line), separated by blank lines. The manner of etcd raft's {@code testdata/}.
 */
record Transcript(Path file, List<Block> blocks) {

    static final String SEPARATOR = "----";

    /**
     * @param comments the {@code #} lines before the command
     * @param line     where the command is in the file (1-based), for failure messages
     */
    record Block(List<String> comments, String command, List<String> output, int line) {
    }

    static Transcript read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Block> blocks = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            if (lines.get(i).isBlank()) {
                i++;
                continue;
            }
            List<String> comments = new ArrayList<>();
            while (i < lines.size() && lines.get(i).startsWith("#")) {
                comments.add(lines.get(i++));
            }
            if (i >= lines.size() || lines.get(i).isBlank()) {
                blocks.add(new Block(comments, null, List.of(), i));
                continue;
            }
            int at = i + 1;
            String command = lines.get(i++);
            if (i >= lines.size() || !lines.get(i).equals(SEPARATOR)) {
                throw new IllegalArgumentException(file.getFileName() + ":" + at + ": expected '" + SEPARATOR
                        + "' after the command");
            }
            i++;
            List<String> output = new ArrayList<>();
            while (i < lines.size() && !lines.get(i).isBlank()) {
                output.add(lines.get(i++));
            }
            blocks.add(new Block(comments, command, output, at));
        }
        return new Transcript(file, blocks);
    }

    /** The same transcript with each command's output replaced by {@code actual} (in block order). */
    String render(List<List<String>> actual) {
        StringBuilder b = new StringBuilder();
        int k = 0;
        for (Block block : blocks) {
            if (!b.isEmpty()) {
                b.append('\n');
            }
            block.comments().forEach(c -> b.append(c).append('\n'));
            if (block.command() == null) {
                continue;
            }
            b.append(block.command()).append('\n').append(SEPARATOR).append('\n');
            actual.get(k++).forEach(o -> b.append(o).append('\n'));
        }
        return b.toString();
    }
}
