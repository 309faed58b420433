package io.vigil.failover.transcript;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes a transcript from commands alone: runs them and records what each produced. */
public final class TranscriptWriter {

    private TranscriptWriter() {
    }

    /**
     * @param comments lines written first, each prefixed with {@code # }
     * @param commands transcript commands, the first a {@code node} command
     */
    public static void write(Path file, List<String> comments, List<String> commands) throws IOException {
        List<Transcript.Block> blocks = new ArrayList<>();
        List<String> head = new ArrayList<>();
        comments.forEach(c -> head.add("# " + c));
        for (int i = 0; i < commands.size(); i++) {
            blocks.add(new Transcript.Block(i == 0 ? head : List.of(), commands.get(i), List.of(), 0));
        }
        Transcript t = new Transcript(file, blocks);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, t.render(TranscriptTest.run(t)), StandardCharsets.UTF_8);
    }

    /** A {@code recv} command for a message as it arrived (its src, seq and hg first). */
    public static String recv(long atMs, io.vigil.wire.Message m) {
        StringBuilder b = new StringBuilder("@").append(atMs).append(" recv ").append(m.get("src").orElse("?"));
        m.get("hg").ifPresent(v -> b.append(" hg=").append(v));
        m.get("seq").ifPresent(v -> b.append(" seq=").append(v));
        for (io.vigil.wire.Message.Field f : m.fields()) {
            if (!f.name().equals("src") && !f.name().equals("hg") && !f.name().equals("seq")) {
                b.append(' ').append(f.name()).append('=').append(Tokens.quote(f.text()));
            }
        }
        return b.toString();
    }

    /** A value as a transcript word. */
    public static String word(String v) {
        return Tokens.quote(v);
    }
}
