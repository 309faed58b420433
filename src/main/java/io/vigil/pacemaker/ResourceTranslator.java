package io.vigil.pacemaker;

import io.vigil.config.ResourceSpec;
import io.vigil.config.VigilSettings;
import io.vigil.resource.FindIf;
import io.vigil.resource.IpAddrAgent;
import io.vigil.resource.IpAddrArgument;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One haresources resource → one Pacemaker primitive:
 * <ul>
 *   <li>a bare IP, {@code IPaddr}, {@code IPaddr2} → {@code ocf:heartbeat:IPaddr2} with the interface and prefix
 *       length the argument gives, else those findif chooses on this host;</li>
 *   <li>a Heartbeat resource.d wrapper of an OCF agent ({@link HeartbeatAgents}) → that agent, arguments named;</li>
 *   <li>{@code OCF::<agent>::<instance>} → the agent with the variables of its instance file;</li>
 *   <li>{@code ocf:<provider>:<type>::name=value} → itself;</li>
 *   <li>an init script of /etc/init.d given without arguments → {@code lsb:<name>};</li>
 *   <li>any other script → {@code lsb:vigil-<id>}, a generated init script that runs it with its arguments and reads
 *       its status as Heartbeat did.</li>
 * </ul>
 */
final class ResourceTranslator {

    /** What became of one resource: a primitive (and maybe a file to install), or the reason it has none. */
    record Outcome(Optional<Cib.Primitive> primitive, Optional<GeneratedFile> file, String note) {
        static Outcome of(Cib.Primitive p, String note) {
            return new Outcome(Optional.of(p), Optional.empty(), note);
        }

        static Outcome untranslated(String reason) {
            return new Outcome(Optional.empty(), Optional.empty(), reason);
        }
    }

    /** IPaddr2's own defaults for the gratuitous ARPs (4.12 meta-data); Vigil's are written only when they differ. */
    static final int IPADDR2_ARP_COUNT = 5;
    static final long IPADDR2_ARP_INTERVAL_MS = 200;

    private final ExportHost host;
    private final Ids ids;
    private final List<Cib.Op> ops;
    private final VigilSettings vigil;
    private final Path configDir;

    ResourceTranslator(ExportHost host, Ids ids, List<Cib.Op> ops, VigilSettings vigil, Path configDir) {
        this.host = host;
        this.ids = ids;
        this.ops = List.copyOf(ops);
        this.vigil = vigil;
        this.configDir = configDir;
    }

    Outcome translate(ResourceSpec spec, String origin) {
        String agent = spec.agent();
        if (IpAddrAgent.handles(agent)) {
            return ipAddress(spec, origin);
        }
        if (agent.startsWith("ocf:")) {
            String[] p = agent.split(":", -1);
            Map<String, String> params = new LinkedHashMap<>();
            for (String a : spec.args()) {
                params.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            }
            return Outcome.of(primitive(p[2].toLowerCase(java.util.Locale.ROOT), "ocf", Optional.of(p[1]), p[2], params, origin),
                    "OCF agent as is");
        }
        if (agent.equals("OCF")) {
            return ocfWrapper(spec, origin);
        }
        Optional<HeartbeatAgents.Counterpart> counterpart = HeartbeatAgents.of(agent);
        if (counterpart.isPresent()) {
            try {
                Map<String, String> params = counterpart.get().bind().apply(spec.args());
                String id = agent.toLowerCase(java.util.Locale.ROOT) + (spec.args().isEmpty() ? "" : "-" + spec.args().get(0));
                return Outcome.of(primitive(id, "ocf", Optional.of("heartbeat"), counterpart.get().type(), params, origin),
                        "OCF counterpart of the " + agent + " script, arguments named");
            } catch (IllegalArgumentException e) {
                return Outcome.untranslated(e.getMessage() + "; Heartbeat's wrapper would refuse it too");
            }
        }
        return script(spec, origin);
    }

    private Outcome ipAddress(ResourceSpec spec, String origin) {
        if (spec.args().size() != 1) {
            return Outcome.untranslated(spec.agent() + " takes one argument ip[/cidr[/nic[:label]][/broadcast]], not "
                    + spec.args().size());
        }
        IpAddrArgument arg;
        try {
            arg = IpAddrArgument.parse(spec.args().get(0));
        } catch (IllegalArgumentException e) {
            return Outcome.untranslated(e.getMessage());
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("ip", arg.ip());
        Optional<FindIf.Placement> where = host.findif().apply(arg);
        String note;
        if (where.isPresent()) {
            params.put("cidr_netmask", String.valueOf(where.get().prefix()));
            params.put("nic", where.get().nic());
            note = arg.nic().isPresent() && arg.prefix().isPresent() ? "interface and prefix as written"
                    : "interface " + where.get().nic() + " and prefix /" + where.get().prefix() + " chosen by findif on this host";
        } else {
            arg.prefix().ifPresent(p -> params.put("cidr_netmask", String.valueOf(p)));
            arg.nic().ifPresent(n -> params.put("nic", n));
            note = "no connected route matches " + arg.ip() + " on this host: IPaddr2 chooses the interface on each node at start";
        }
        arg.label().ifPresent(l -> params.put("iflabel", l));
        arg.broadcast().ifPresent(b -> params.put("broadcast", b.getHostAddress()));
        if (vigil.arpCount() != IPADDR2_ARP_COUNT) {
            params.put("arp_count", String.valueOf(vigil.arpCount()));
        }
        if (vigil.arpInterval().toMillis() != IPADDR2_ARP_INTERVAL_MS) {
            params.put("arp_interval", String.valueOf(vigil.arpInterval().toMillis()));
        }
        return Outcome.of(primitive("ip-" + arg.ip(), "ocf", Optional.of("heartbeat"), "IPaddr2", params, origin), note);
    }

    /** Heartbeat's {@code OCF::<agent>::<instance>}: the agent's parameters are in {@code <config-dir>/conf/OCF/<agent>/<instance>}. */
    private Outcome ocfWrapper(ResourceSpec spec, String origin) {
        if (spec.args().size() != 2) {
            return Outcome.untranslated("the OCF wrapper takes OCF::<agent>::<instance>, not " + spec.args().size() + " arguments");
        }
        String type = spec.args().get(0);
        Path instance = configDir.resolve("conf").resolve("OCF").resolve(type).resolve(spec.args().get(1));
        Optional<List<String>> lines = host.readLines().apply(instance);
        if (lines.isEmpty()) {
            return Outcome.untranslated("its instance file " + instance + " cannot be read here: write the primitive by hand "
                    + "with the OCF_RESKEY_ values of that file as parameters");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String raw : lines.get()) {
            String line = raw.contains("#") ? raw.substring(0, raw.indexOf('#')) : raw;
            line = line.strip().replaceFirst("^export\\s+", "");
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip().replaceAll("^([\"'])(.*)\\1$", "$2");
            params.put(name.startsWith("OCF_RESKEY_") ? name.substring("OCF_RESKEY_".length()) : name, value);
        }
        String provider = host.ocfProvider().apply(type).orElse("heartbeat");
        return Outcome.of(primitive(type.toLowerCase(java.util.Locale.ROOT) + "-" + spec.args().get(1), "ocf",
                Optional.of(provider), type, params, origin), "parameters from " + instance);
    }

    private Outcome script(ResourceSpec spec, String origin) {
        String name = spec.agent();
        Optional<Path> path = host.script().apply(name);
        if (spec.args().isEmpty() && path.isPresent() && path.get().getParent().equals(ExportHost.INIT_D)) {
            return Outcome.of(primitive(name.toLowerCase(java.util.Locale.ROOT), "lsb", Optional.empty(), name, Map.of(), origin),
                    "init script " + path.get() + "; it must exist on every node");
        }
        Path target = path.orElse(Path.of("/etc/ha.d/resource.d", name));
        String id = ids.unique(name.toLowerCase(java.util.Locale.ROOT) + (spec.args().isEmpty() ? "" : "-" + spec.args().get(0)));
        String initName = "vigil-" + id;
        Cib.Primitive p = new Cib.Primitive(id, "lsb", Optional.empty(), initName, Map.of(), ops, origin);
        GeneratedFile wrapper = new GeneratedFile("init.d/" + initName, LsbWrapper.text(initName, target, spec.args()), true,
                "/etc/init.d/" + initName);
        String note = "init script " + initName + " (generated) runs " + target + (spec.args().isEmpty() ? "" : " "
                + String.join(" ", spec.args())) + "; install it as /etc/init.d/" + initName + " on every node"
                + (path.isEmpty() ? "; " + name + " was not found on this host: put it at " + target + " on every node"
                : path.get().startsWith(io.vigil.resource.ResourceSettings.vigilResourceDir())
                ? "; " + target + " comes with Vigil: keep a copy there if Vigil is removed" : "");
        return new Outcome(Optional.of(p), Optional.of(wrapper), note);
    }

    private Cib.Primitive primitive(String wantedId, String standard, Optional<String> provider, String type,
                                    Map<String, String> params, String origin) {
        return new Cib.Primitive(ids.unique(wantedId), standard, provider, type, params, ops, origin);
    }
}
