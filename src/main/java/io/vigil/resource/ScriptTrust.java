package io.vigil.resource;

import io.vigil.config.ClusterConfig;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigProblem;
import io.vigil.config.Origin;
import io.vigil.config.ResourceGroup;
import io.vigil.config.ResourceSpec;
import io.vigil.security.FileTrust;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The resource scripts haresources names run as root: each one found (Vigil's resource.d, /etc/ha.d/resource.d,
 * /etc/init.d, OCF agents) must be owned by root and not writable by group or others, nor any directory above it
 * ({@link FileTrust}). A problem is reported at the haresources line that names the script. Built-in IPaddr and
 * scripts that cannot be found are not this check's business.
 */
public final class ScriptTrust {

    private ScriptTrust() {
    }

    /** Every problem, as errors located at the haresources line of the group. */
    public static List<ConfigProblem> problems(ClusterConfig config, ResourceSettings settings) {
        ResourceManager manager = new ResourceManager(settings);
        List<ConfigProblem> problems = new ArrayList<>();
        Set<Path> seen = new LinkedHashSet<>();
        for (ResourceGroup g : config.groups()) {
            for (ResourceSpec spec : g.resources()) {
                Path script = scriptOf(manager.agentFor(spec));
                if (script == null || !seen.add(script)) {
                    continue;
                }
                Origin at = Origin.at(config.haresources(), g.line());
                for (FileTrust.Finding f : FileTrust.check(script, FileTrust.Kind.CONTROL)) {
                    problems.add(at.error("resource script of " + spec.canonical() + ": " + f.problem(), f.fix()));
                }
            }
        }
        return problems;
    }

    /**
     * For {@code vigil run}: throws when a script cannot be trusted, with the configuration's warnings beside the
     * problems (as a {@link ConfigException} from the loader would carry them).
     */
    public static void refuseUntrusted(ClusterConfig config) throws ConfigException {
        List<ConfigProblem> problems = problems(config, ResourceSettings.defaults());
        if (!problems.isEmpty()) {
            List<ConfigProblem> all = new ArrayList<>(config.warnings());
            all.addAll(problems);
            throw new ConfigException(all);
        }
    }

    private static Path scriptOf(ResourceAgent agent) {
        if (agent instanceof LsbAgent lsb) {
            return lsb.script();
        }
        if (agent instanceof OcfAgent ocf) {
            return ocf.path();
        }
        return null;
    }
}
