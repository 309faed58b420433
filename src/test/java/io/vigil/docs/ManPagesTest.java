package io.vigil.docs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The man pages and the bash completion come from the same picocli model as --help: every command has its page and
 * every option its entry; the pages (generated and hand-written) render without a groff warning; the completion
 * scripts load in bash and complete.
 */
class ManPagesTest {

    private static final Map<String, String> PAGES = new ManPages("0.0.0-test").render(DocsMain.model());

    record Run(int code, String out, String err) {
    }

    private static Run run(List<String> argv, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out, err);
    }

    private static List<CommandLine> commands(CommandLine c) {
        List<CommandLine> all = new ArrayList<>(List.of(c));
        c.getSubcommands().values().stream().distinct().forEach(s -> all.addAll(commands(s)));
        return all;
    }

    @Test
    void everyCommandAndOptionIsDocumented() {
        List<CommandLine> all = commands(DocsMain.model());
        assertEquals(all.size(), PAGES.size());
        for (CommandLine c : all) {
            CommandSpec spec = c.getCommandSpec();
            String page = PAGES.get(ManPages.pageName(spec));
            assertTrue(page != null, "a page for " + spec.qualifiedName());
            assertTrue(page.contains(".TH \"" + ManPages.pageName(spec).toUpperCase(java.util.Locale.ROOT) + "\" \"8\""), page);
            for (OptionSpec o : spec.options()) {
                for (String name : o.names()) {
                    assertTrue(page.contains("\\fB" + name.replace("-", "\\-") + "\\fR"), spec.qualifiedName() + " " + name);
                }
            }
            String help = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
            String first = spec.usageMessage().description()[0];
            assertTrue(help.replaceAll("\\s+", "").contains(first.replaceAll("\\s+", "")),
                    "--help and the page start from the same description: " + first + "\n" + help);
            String name = ".SH NAME\n" + ManPages.roffName(ManPages.pageName(spec)) + " \\- ";
            String start = ManPages.text(first.substring(0, Math.min(20, first.length())));
            assertTrue(page.contains(name + start), spec.qualifiedName() + ": " + name + start + "\n" + page);
        }
        assertTrue(PAGES.get("vigil-status").contains("\\fB\\-\\-watch\\fR"));
        assertTrue(PAGES.get("vigil-run").contains(".SH \"EXIT STATUS\""), "exit codes of run come from its exitCodeList");
        assertTrue(PAGES.get("vigil").contains("See \\fBvigil\\-resource\\fR(8)"));
    }

    @Test
    void pagesRenderWithoutWarnings(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/man")), "man-db is not installed");
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, String> p : PAGES.entrySet()) {
            Path f = tmp.resolve(p.getKey() + ".8");
            Files.writeString(f, p.getValue());
            files.add(f);
        }
        try (Stream<Path> shipped = Files.list(Path.of("deploy/man"))) {
            shipped.forEach(files::add);
        }
        for (Path f : files) {
            Run r = run(List.of("man", "--warnings", "-l", f.toString()), Map.of("MANWIDTH", "80", "MAN_DISABLE_SECCOMP", "1"));
            assertEquals(0, r.code(), f + "\n" + r.err());
            assertEquals("", r.err(), f + " renders without groff warnings");
            assertTrue(r.out().contains("NAME") && r.out().contains("SEE ALSO"), f + "\n" + r.out());
        }
    }

    /** Runs bash-completion's way: source the file, set COMP_WORDS/COMP_CWORD, call the function. */
    private static String complete(Path file, String function, String... words) throws Exception {
        String wordsArray = String.join(" ", Stream.of(words).map(w -> "'" + w + "'").toList());
        String script = "source " + file + "; COMP_WORDS=(" + wordsArray + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE='" + String.join(" ", words) + "'; COMP_POINT=${#COMP_LINE}; " + function
                + "; echo \"${COMPREPLY[*]}\"";
        Run r = run(List.of("bash", "-c", script), Map.of("PATH", "/usr/bin:/bin"));
        assertEquals(0, r.code(), r.err());
        return r.out().strip();
    }

    @Test
    void completionLoadsAndCompletes(@TempDir Path tmp) throws Exception {
        Path vigil = tmp.resolve("vigil");
        Files.writeString(vigil, DocsMain.bash());
        Run loaded = run(List.of("bash", "-c", "source " + vigil + " && complete -p vigil"), Map.of());
        assertEquals(0, loaded.code(), loaded.err());
        assertTrue(loaded.out().contains("vigil"), loaded.out());
        assertEquals("status standby stop", complete(vigil, "_complete_vigil", "vigil", "st"));
        assertTrue(complete(vigil, "_complete_vigil", "vigil", "status", "--").contains("--watch"));
        assertTrue(complete(vigil, "_complete_vigil", "vigil", "resource", "").contains("check"));

        Path cl = Path.of("deploy/completion/cl_status").toAbsolutePath();
        assertEquals("nodestatus nodetype nodeweight nodesite", complete(cl, "_vigil_cl_status", "cl_status", "node"));
        assertEquals("-p -n -v -m", complete(cl, "_vigil_cl_status", "cl_status", "listnodes", ""));
        assertEquals("keepalive", complete(cl, "_vigil_cl_status", "cl_status", "hbparameter", "-p", "kee"));
        Path hb = Path.of("deploy/completion/hb_standby").toAbsolutePath();
        assertEquals("all local foreign failback", complete(hb, "_vigil_hb_set", "hb_takeover", ""));
        assertEquals("foreign failback", complete(hb, "_vigil_hb_set", "hb_standby", "f"));
    }
}
