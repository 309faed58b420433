package io.vigil.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** Options shared by every command that reads the configuration. */
public class ConfigOptions {

    @Option(names = "--config-dir", paramLabel = "DIR",
            description = "Directory holding ha.cf, authkeys and haresources. Default: vigil.config-dir / VIGIL_CONFIG_DIR, "
                    + "else /etc/ha.d, else /etc/heartbeat.")
    Path configDir;

    @Option(names = "--node-name", paramLabel = "NAME",
            description = "This node's name. Default: the first line of <config-dir>/nodeinfo, else `uname -n`, lower-cased.")
    String nodeName;

    public Optional<Path> configDir() {
        return Optional.ofNullable(configDir);
    }

    public Optional<String> nodeName() {
        return Optional.ofNullable(nodeName);
    }
}
