package io.vigil.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lean entry point answers the same commands, with the same classes, that the launcher routes to it. */
class ClientMainTest {

    @Test
    void itsCommandsAreTheDaemonEntryPointsOwnClasses() {
        Map<String, CommandLine> lean = ClientMain.commandLine().getSubcommands();
        Map<String, CommandLine> full = new CommandLine(new VigilCommand()).getSubcommands();
        assertEquals(ClientMain.COMMANDS, lean.keySet());
        for (String name : ClientMain.COMMANDS) {
            assertEquals(full.get(name).getCommand().getClass(), lean.get(name).getCommand().getClass(), name);
            assertEquals(full.get(name).getUsageMessage(), lean.get(name).getUsageMessage(), name + " --help");
        }
    }

    @Test
    void theLauncherRoutesExactlyThoseCommands() throws Exception {
        String launcher = Files.readString(Path.of("deploy/bin/vigil"));
        Matcher m = Pattern.compile("case \\$\\{1:-} in ([a-z |]+)\\) client=1").matcher(launcher);
        assertTrue(m.find(), "deploy/bin/vigil no longer has its `case ... client=1` line");
        Set<String> routed = Arrays.stream(m.group(1).split("\\|")).map(String::strip).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(ClientMain.COMMANDS), routed);
        assertTrue(launcher.contains("io.vigil.cli.ClientMain"), "the launcher must name the lean entry point");
    }
}
