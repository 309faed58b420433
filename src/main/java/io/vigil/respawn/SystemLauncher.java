package io.vigil.respawn;

import io.vigil.config.RespawnClient;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a respawn child the way Heartbeat's start_a_child_client does: {@code /bin/sh -c "exec <command>"} as the
 * line's user with its primary group and supplementary groups (util-linux {@code setpriv}, which Debian always has),
 * in a session of its own so a terminal signal meant for the daemon does not reach it, stdin/stdout/stderr on
 * /dev/null, with the daemon's environment plus ha.cf's {@code env} variables.
 */
final class SystemLauncher implements RespawnSupervisor.Launcher {

    private static final File DEV_NULL = new File("/dev/null");

    private final Map<String, String> haEnv;

    SystemLauncher(Map<String, String> haEnv) {
        this.haEnv = Map.copyOf(haEnv);
    }

    static List<String> argv(RespawnClient client, long ownUid) {
        List<String> argv = new ArrayList<>(List.of("setsid"));
        if (client.uid() != ownUid) {
            argv.addAll(List.of("setpriv", "--reuid=" + client.uid(), "--regid=" + client.gid(), "--init-groups", "--"));
        }
        argv.addAll(List.of("/bin/sh", "-c", "exec " + client.command()));
        return argv;
    }

    @Override
    public Process launch(RespawnClient client) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv(client, ownUid()))
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                .redirectOutput(ProcessBuilder.Redirect.to(DEV_NULL))
                .redirectError(ProcessBuilder.Redirect.to(DEV_NULL));
        pb.environment().putAll(haEnv);
        return pb.start();
    }

    /** This process's real uid, from /proc (the JDK has no getuid). */
    static long ownUid() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: treat as root, setpriv then switches explicitly
        }
        return 0;
    }
}
