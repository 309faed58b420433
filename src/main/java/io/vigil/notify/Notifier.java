package io.vigil.notify;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs the notification scripts for every {@link ClusterEvent}: {@code vigil.notify-script}, then each executable of
 * {@code vigil.notify-dir} in name order, as {@code <script> <event> <node> <group> <state>} with the
 * {@link ClusterEvent#environment()} (both documented in docs/operations.md). The directory is read when the
 * transition is delivered, so a script added there takes effect without a restart.
 */
public final class Notifier implements Consumer<ClusterEvent> {

    private static final Logger LOG = Logger.getLogger("vigil");

    private final NotifySettings settings;
    private final ScriptQueue queue;

    public Notifier(NotifySettings settings, ScriptQueue queue) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.queue = Objects.requireNonNull(queue, "queue");
    }

    /** One line at start: what will be run, so a typo in a path shows at once and not at the first failover. */
    public void describe() {
        if (settings.dirSet() && !Files.isDirectory(settings.dir())) {
            LOG.warnf("vigil.notify-dir %s is not a directory: no notification script runs from it", settings.dir());
        }
        List<Path> scripts = scripts();
        if (!scripts.isEmpty()) {
            LOG.infof("Notification scripts (timeout %d ms each): %s", settings.timeout().toMillis(),
                    String.join(", ", scripts.stream().map(Path::toString).toList()));
        }
    }

    @Override
    public void accept(ClusterEvent e) {
        if (settings.script().isEmpty() && !Files.isDirectory(settings.dir())) {
            return; // nothing configured: not even a queue entry
        }
        queue.submit("notify", e.summary(), () -> jobs(e));
    }

    List<ScriptQueue.Job> jobs(ClusterEvent e) {
        List<String> args = List.of(e.type().word(), e.node(), e.group(), e.state());
        List<ScriptQueue.Job> jobs = new ArrayList<>();
        for (Path script : scripts()) {
            List<String> argv = new ArrayList<>();
            argv.add(script.toString());
            argv.addAll(args);
            jobs.add(new ScriptQueue.Job("notify", "script " + script, argv, e.environment()));
        }
        return jobs;
    }

    /** The notify script, then the directory's executables (dot files, backups and package leftovers skipped). */
    List<Path> scripts() {
        List<Path> scripts = new ArrayList<>();
        settings.script().ifPresent(scripts::add);
        Path dir = settings.dir();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                entries.filter(p -> runnable(p.getFileName().toString()))
                        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                        .sorted()
                        .forEach(scripts::add);
            } catch (IOException e) {
                LOG.errorf("Cannot read the notification directory %s: %s", dir, e.getMessage());
            }
        }
        return scripts;
    }

    /** Names run-parts would also skip: editors' and dpkg's leftovers, hidden files. */
    static boolean runnable(String name) {
        return !name.startsWith(".") && !name.endsWith("~") && !name.endsWith(".bak") && !name.endsWith(".swp")
                && !name.endsWith(".disabled") && !name.matches(".*\\.(dpkg|ucf)-[a-z]+$");
    }
}
