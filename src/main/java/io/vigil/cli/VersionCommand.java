package io.vigil.cli;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

import java.util.concurrent.Callable;

/** `vigil version`: the version, and the Heartbeat release whose behaviour it follows. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print Vigil's version and exit.")
public class VersionCommand implements Callable<Integer> {

    @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown")
    String version;

    @Override
    public Integer call() {
        System.out.println(line(version));
        return 0;
    }

    static String line(String version) {
        return "vigil " + version + " (Heartbeat 3.0.6 compatible; Java " + Runtime.version() + ")";
    }

    /** Feeds `vigil --version`. */
    public static class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                    .getOptionalValue("quarkus.application.version", String.class).orElse("unknown");
            return new String[] {line(v)};
        }
    }
}
