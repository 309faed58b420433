package io.vigil.daemon;

import io.vigil.config.AutoFailback;
import io.vigil.config.ClusterConfig;
import io.vigil.config.VigilSettings;
import io.vigil.resource.ResourceSettings;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Resource settings of a node: Vigil's timeouts and ARP knobs, plus the environment Heartbeat gives its scripts. */
public final class DaemonResources {

    private DaemonResources() {
    }

    public static ResourceSettings settings(ClusterConfig config, DaemonPaths paths) {
        VigilSettings v = config.vigil();
        ResourceSettings d = ResourceSettings.defaults();
        return new ResourceSettings(d.scriptDirs(), v.startTimeout(), v.stopTimeout(), v.statusTimeout(),
                environment(config), v.arpCount(), v.arpInterval(), tmpDir(paths), d.stopRetries(),
                d.stopRetryInterval(), d.ocfRoot(), "");
    }

    /** Per node rather than Heartbeat's shared /run/resource-agents, so two daemons on one host never collide. */
    static Path tmpDir(DaemonPaths paths) {
        return paths.runDir().resolve("resource-agents");
    }

    /**
     * Heartbeat's script environment (reference §5.10): ha.cf's {@code env} lines ({@code HA_NAME=value}), then
     * HA_CURHOST, HA_DIR, logging and debug settings (Heartbeat's own variables win over an {@code env} of the same name).
     */
    static Map<String, String> environment(ClusterConfig config) {
        Map<String, String> env = new LinkedHashMap<>(config.haEnv());
        env.put("HA_CURHOST", config.localNode());
        env.put("HA_DIR", config.configDir().toString());
        env.put("HA_FUNCS", config.configDir().resolve("shellfuncs").toString());
        env.put("HA_DATEFMT", "%Y/%m/%d_%T ");
        if (config.autoFailback() != AutoFailback.LEGACY) {
            env.put("HA_NICEFAILBACK", "yes");
        }
        config.logfile().ifPresent(f -> env.put("HA_LOGFILE", f));
        config.debugfile().ifPresent(f -> env.put("HA_DEBUGLOG", f));
        config.logfacility().ifPresent(f -> env.put("HA_LOGFACILITY", f));
        env.put("HA_debug", Integer.toString(config.debugLevel()));
        return env;
    }
}
