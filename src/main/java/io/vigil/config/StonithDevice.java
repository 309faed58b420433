package io.vigil.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A STONITH device of ha.cf, used through cluster-glue's {@code stonith} tool exactly as Heartbeat used its plugin:
 * {@code stonith <type> <config-file>} (parameters read from the file, {@code stonith -F}) or
 * {@code stonith_host <host|*> <type> <params…>} (positional parameters in the plugin's {@code -n} order,
 * {@code stonith -p}). Only the devices usable from this node are kept ({@code *} or its own name).
 *
 * @param type       the plugin, e.g. {@code external/ipmi}, {@code apcmaster}
 * @param configFile {@code stonith}'s parameter file, or empty
 * @param params     {@code stonith_host}'s parameters as written (empty with a config file)
 * @param origin     the ha.cf line, for messages
 */
public record StonithDevice(String type, Optional<Path> configFile, String params, Origin origin) {

    /** The {@code stonith} arguments that select and configure this device: {@code -t type -F file} or {@code -t type -p params}. */
    public List<String> deviceArgs() {
        List<String> a = new ArrayList<>(List.of("-t", type));
        if (configFile.isPresent()) {
            a.addAll(List.of("-F", configFile.get().toString()));
        } else {
            a.addAll(List.of("-p", params));
        }
        return a;
    }

    /** {@code external/ipmi (ha.cf:12)}. */
    public String describe() {
        return type + " (" + origin.label() + ")";
    }
}
