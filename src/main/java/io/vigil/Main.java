package io.vigil;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import picocli.CommandLine;

/** Entry point: Quarkus boots, then picocli dispatches to one sub-command. */
@QuarkusMain
public class Main implements QuarkusApplication {

    @Inject
    CommandLine commandLine;

    @Override
    public int run(String... args) {
        return commandLine.execute(args);
    }

    public static void main(String... args) {
        if (!opensHttp(args)) {
            // Quarkus starts its HTTP server (metrics, health) for every command; only the daemon may open a port,
            // else `vigil status` would fail with "port in use" while the daemon runs (reference stack.md).
            System.setProperty("quarkus.http.host-enabled", "false");
        }
        Quarkus.run(Main.class, args);
    }

    /** Only `vigil run` serves metrics and health. */
    static boolean opensHttp(String... args) {
        return args.length > 0 && "run".equals(args[0]);
    }
}
