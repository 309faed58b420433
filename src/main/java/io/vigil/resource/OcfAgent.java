package io.vigil.resource;

import io.vigil.config.ResourceSpec;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An OCF resource agent, written in haresources as {@code ocf:<provider>:<type>::name=value::…}: run as
 * {@code $OCF_ROOT/resource.d/<provider>/<type> start|stop|monitor} with {@code OCF_RESKEY_<name>=<value>}.
 * {@code status} is OCF {@code monitor}: 0 running, 7 not running, anything else failed (UNKNOWN).
 */
public final class OcfAgent extends ScriptAgent {

    public static final int OCF_NOT_RUNNING = 7;

    private final ResourceSpec spec;
    private final String provider;
    private final String type;
    private final Map<String, String> params;
    private final ProcessRunner runner;

    OcfAgent(ResourceSpec spec, ResourceSettings settings, ProcessRunner runner) {
        super(settings);
        this.spec = spec;
        String[] p = spec.agent().split(":", -1);
        if (p.length != 3) {
            throw new IllegalArgumentException("OCF resource '" + spec.token() + "' must be written ocf:<provider>:<type>[::name=value…]");
        }
        this.provider = p[1];
        this.type = p[2];
        this.params = new LinkedHashMap<>();
        for (String a : spec.args()) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("OCF resource '" + spec.token() + "': parameter '" + a + "' is not name=value");
            }
            params.put(a.substring(0, eq), a.substring(eq + 1));
        }
        this.runner = runner;
    }

    public Path path() {
        return settings.ocfRoot().resolve("resource.d").resolve(provider).resolve(type);
    }

    public Map<String, String> params() {
        return Map.copyOf(params);
    }

    @Override
    public String name() {
        return spec.canonical();
    }

    @Override
    public String describe() {
        return path().toString();
    }

    /** The OCF environment: Heartbeat's script environment, OCF_ROOT, the instance and the parameters. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>(settings.scriptEnvironment());
        env.put("OCF_ROOT", settings.ocfRoot().toString());
        env.put("OCF_FUNCTIONS_DIR", settings.ocfRoot().resolve("lib/heartbeat").toString());
        env.put("OCF_RA_VERSION_MAJOR", "1");
        env.put("OCF_RA_VERSION_MINOR", "0");
        env.put("OCF_RESOURCE_TYPE", type);
        env.put("OCF_RESOURCE_PROVIDER", provider);
        env.put("OCF_RESOURCE_INSTANCE", instance());
        params.forEach((k, v) -> env.put("OCF_RESKEY_" + k, v));
        return env;
    }

    /** A file-name-safe instance name, unique per parameter set (OCF agents derive state file names from it). */
    String instance() {
        String raw = type + (params.isEmpty() ? "" : "_" + String.join("_", params.values()));
        String safe = raw.replaceAll("[^A-Za-z0-9_.-]", "_");
        return safe.length() <= 64 ? safe : safe.substring(0, 55) + "_" + Integer.toHexString(raw.hashCode());
    }

    @Override
    ProcessRunner.Outcome call(String action, Duration timeout, boolean quiet) {
        ResourceManager.ensureDir(settings.tmpDir());
        return ScriptCall.run(runner, name(), path(), List.of(), action, environment(), timeout, quiet);
    }

    @Override
    public Status status() {
        ProcessRunner.Outcome o = call("monitor", settings.statusTimeout(), true);
        ResourceState state = o.timedOut() ? ResourceState.UNKNOWN
                : o.exitCode() == 0 ? ResourceState.RUNNING
                : o.exitCode() == OCF_NOT_RUNNING ? ResourceState.STOPPED
                : ResourceState.UNKNOWN;
        List<String> warnings = state == ResourceState.UNKNOWN && !o.timedOut()
                ? List.of("monitor of " + name() + " exited " + o.exitCode() + " (OCF: 0 running, 7 not running): resource failed")
                : List.of();
        return new Status(state, OperationResult.of(name(), "monitor", o), o.stdoutText(), warnings);
    }

    /** The agent exists, its meta-data parses, every given parameter is declared and every required one is given. */
    @Override
    public List<String> validate() {
        Path p = path();
        if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
            return List.of(name() + ": OCF agent " + p + " not found (is the package providing ocf:" + provider + ":" + type
                    + " installed, and OCF_ROOT " + settings.ocfRoot() + " right?)");
        }
        // meta-data documents run to hundreds of lines: keep them whole (up to 1 MB), not a tail
        ProcessRunner.Outcome o = new ProcessRunner(20, ProcessRunner.OutputLimit.whole(1 << 20)).run(List.of(p.toString(), "meta-data"), environment(),
                settings.statusTimeout());
        if (!o.ok()) {
            return List.of(name() + ": " + p + " meta-data failed (rc " + o.exitCode() + ")");
        }
        MetaData md;
        try {
            md = MetaData.parse(o.stdoutText());
        } catch (Exception e) {
            return List.of(name() + ": " + p + " meta-data is not valid XML: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        for (String k : params.keySet()) {
            if (!md.parameters().contains(k)) {
                problems.add(name() + ": parameter '" + k + "' is not one of ocf:" + provider + ":" + type + "'s: " + md.parameters());
            }
        }
        for (String k : md.required()) {
            if (!params.containsKey(k)) {
                problems.add(name() + ": required parameter '" + k + "' of ocf:" + provider + ":" + type + " is missing");
            }
        }
        return problems;
    }

    /** Parameter names declared in an OCF meta-data document. */
    public record MetaData(Set<String> parameters, Set<String> required) {
        public static MetaData parse(String xml) throws Exception {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setExpandEntityReferences(false);
            Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
            NodeList list = d.getElementsByTagName("parameter");
            Set<String> all = new TreeSet<>();
            Set<String> req = new TreeSet<>();
            for (int i = 0; i < list.getLength(); i++) {
                Element e = (Element) list.item(i);
                all.add(e.getAttribute("name"));
                if ("1".equals(e.getAttribute("required")) || "true".equals(e.getAttribute("required"))) {
                    req.add(e.getAttribute("name"));
                }
            }
            return new MetaData(all, req);
        }
    }
}
