package io.vigil.docs;

import io.vigil.cli.VigilCommand;
import picocli.AutoComplete;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Build step (pom.xml, phase prepare-package): writes the man pages and the bash completion of {@code vigil} from
 * its picocli model into {@code <out>/man} and {@code <out>/completion}. Run as
 * {@code java -cp <classes+deps> io.vigil.docs.DocsMain <out> <version>}.
 */
public final class DocsMain {

    private DocsMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: DocsMain <output-dir> <version>");
            System.exit(2);
        }
        write(Path.of(args[0]), args[1]);
    }

    /** The model as `vigil` builds it (the sub-commands are created by picocli's default factory, without CDI). */
    public static CommandLine model() {
        return new CommandLine(VigilCommand.class);
    }

    public static void write(Path out, String version) throws IOException {
        Path man = Files.createDirectories(out.resolve("man"));
        Map<String, String> pages = new ManPages(version).render(model());
        for (Map.Entry<String, String> p : pages.entrySet()) {
            Files.writeString(man.resolve(p.getKey() + "." + ManPages.SECTION), p.getValue(), StandardCharsets.UTF_8);
        }
        Path completion = Files.createDirectories(out.resolve("completion"));
        Files.writeString(completion.resolve("vigil"), bash(), StandardCharsets.UTF_8);
        System.out.println("docs: " + pages.size() + " man pages and the bash completion in " + out);
    }

    /** picocli's generated bash completion for `vigil`, loadable by bash-completion on demand. */
    public static String bash() {
        return AutoComplete.bash("vigil", model());
    }
}
