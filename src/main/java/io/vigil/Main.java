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
        Quarkus.run(Main.class, args);
    }
}
