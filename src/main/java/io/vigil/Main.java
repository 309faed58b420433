package io.vigil;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.vigil.control.MetricsEndpointPreflight;
import jakarta.inject.Inject;
import picocli.CommandLine;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

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
        } else if (!List.of(args).contains("--help") && !List.of(args).contains("-h")) {
            Optional<String> problem = MetricsEndpointPreflight.prepareRun(Arrays.copyOfRange(args, 1, args.length));
            if (problem.isPresent()) {
                System.err.println("vigil: " + problem.get());
                System.exit(1);
            }
        }
        Quarkus.run(Main.class, args);
    }

    /** Only `vigil run` serves metrics and health. */
    static boolean opensHttp(String... args) {
        return args.length > 0 && "run".equals(args[0]);
    }
}
