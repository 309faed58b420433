package io.vigil.pacemaker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The Heartbeat resource.d scripts that are thin wrappers of an OCF agent of resource-agents (reference §3.4), with
 * the way each wrapper turns its {@code ::} arguments into the agent's parameters (read from the wrappers Debian 12's
 * heartbeat package ships). Vigil's own resource.d scripts of the same names take the same arguments; its
 * {@code Dummy} maps to the OCF Dummy. IPaddr/IPaddr2 and the {@code OCF} wrapper are handled by the export itself.
 */
final class HeartbeatAgents {

    /**
     * @param type  the agent, {@code ocf:heartbeat:<type>}
     * @param usage the haresources form, for messages
     * @param bind  arguments → parameters; throws IllegalArgumentException saying what is wrong
     */
    record Counterpart(String type, String usage, Function<List<String>, Map<String, String>> bind) {
    }

    private static final Map<String, Counterpart> TABLE = new LinkedHashMap<>();

    private static void positional(String script, int min, String... names) {
        String usage = script + (names.length == 0 ? "" : "::" + String.join("::", names));
        TABLE.put(script, new Counterpart(script, usage, args -> {
            if (args.size() < min || args.size() > names.length) {
                throw new IllegalArgumentException(script + " takes " + (min == names.length ? String.valueOf(min)
                        : min + " to " + names.length) + " arguments (" + usage + "), not " + args.size());
            }
            Map<String, String> p = new LinkedHashMap<>();
            for (int i = 0; i < args.size(); i++) {
                p.put(names[i], args.get(i));
            }
            return p;
        }));
    }

    private static void custom(String script, String usage, Function<List<String>, Map<String, String>> bind) {
        TABLE.put(script, new Counterpart(script, usage, bind));
    }

    static {
        positional("Filesystem", 2, "device", "directory", "fstype", "options");
        positional("MailTo", 1, "email", "subject");
        positional("apache", 0, "configfile");
        positional("IPsrcaddr", 1, "ipaddress");
        positional("portblock", 3, "protocol", "portno", "action");
        positional("Delay", 0, "startdelay", "stopdelay");
        positional("ICP", 2, "driveid", "device");
        positional("LVM", 1, "volgrpname");
        positional("LinuxSCSI", 1, "scsi");
        positional("Raid1", 2, "raidconf", "raiddev");
        positional("ServeRAID", 2, "serveraid", "mergegroup");
        positional("Xinetd", 1, "service");
        positional("db2", 1, "instance");
        positional("WinPopup", 0, "hostfile");
        custom("ids", "ids[::informixdir::informixserver::onconfig]", args -> {
            if (args.size() != 0 && args.size() != 3) {
                throw new IllegalArgumentException("ids takes no argument or three (informixdir, informixserver, onconfig), not "
                        + args.size());
            }
            Map<String, String> p = new LinkedHashMap<>();
            if (args.size() == 3) {
                p.put("informixdir", args.get(0));
                p.put("informixserver", args.get(1));
                p.put("onconfig", args.get(2));
            }
            return p;
        });
        custom("AudibleAlarm", "AudibleAlarm[::node…]", args ->
                args.isEmpty() ? Map.of() : Map.of("nodelist", String.join(" ", args)));
        custom("SendArp", "SendArp::<ip>/<interface>", args -> {
            if (args.size() != 1 || !args.get(0).contains("/")) {
                throw new IllegalArgumentException("SendArp takes one argument <ip>/<interface>");
            }
            String a = args.get(0);
            Map<String, String> p = new LinkedHashMap<>();
            p.put("ip", a.substring(0, a.indexOf('/')));
            p.put("nic", a.substring(a.indexOf('/') + 1));
            return p;
        });
        custom("IPv6addr", "IPv6addr::<ipv6>[/<prefix>[/<interface>]]", args -> {
            if (args.size() != 1) {
                throw new IllegalArgumentException("IPv6addr takes one argument <ipv6>[/<prefix>[/<interface>]], not " + args.size());
            }
            String[] f = args.get(0).split("/", -1);
            Map<String, String> p = new LinkedHashMap<>();
            p.put("ipv6addr", f[0]);
            if (f.length > 1 && !f[1].isEmpty()) {
                p.put("cidr_netmask", f[1]);
            }
            if (f.length > 2 && !f[2].isEmpty()) {
                p.put("nic", f[2]);
            }
            return p;
        });
        custom("WAS", "WAS[::<config-file>|<port>]", args -> {
            if (args.size() > 1) {
                throw new IllegalArgumentException("WAS takes at most one argument (a config file or a port), not " + args.size());
            }
            if (args.isEmpty()) {
                return Map.of();
            }
            String a = args.get(0);
            if (a.startsWith("/")) {
                return Map.of("config", a);
            }
            if (a.matches("\\d+")) {
                return Map.of("port", a);
            }
            throw new IllegalArgumentException("WAS argument '" + a + "' is neither a file path nor a port");
        });
        custom("Dummy", "Dummy[::<name>]", args -> {
            if (args.size() > 1) {
                throw new IllegalArgumentException("Dummy takes at most one argument (a name), not " + args.size());
            }
            return Map.of();   // each OCF Dummy instance keeps its own state file
        });
    }

    private HeartbeatAgents() {
    }

    static Optional<Counterpart> of(String script) {
        return Optional.ofNullable(TABLE.get(script));
    }

    /** Every script with an OCF counterpart, for the documentation's mapping table. */
    static List<Counterpart> all() {
        return List.copyOf(TABLE.values());
    }
}
