package io.vigil.control;

import io.vigil.config.HeartbeatSyntax;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Heartbeat's {@code cl_status} (3.0.6), answered from a {@link StatusReport} of the running daemon: the same
 * sub-commands, options, output text and exit codes (reference §7.3). The daemon renders the answer; the
 * {@code cl_status} shell command only prints it, so a query costs one curl call and no JVM start.
 *
 * <p>The cases that do not need the daemon (help, unknown sub-command, daemon not running) are handled by the shell
 * command itself; {@link #HELP} and {@link #signonFailure} give their text for tests and for the Java client.
 */
public final class ClStatus {

    public static final int OK = 0;
    public static final int NORMAL_FAIL = 1;
    public static final int PARAMETER_ERROR = 11;
    public static final int TIMEOUT = 12;
    public static final int UNKNOWN_ERROR = 13;

    /** Heartbeat gives every node weight 100 unless the API is told otherwise; Vigil has no weights. */
    static final int NODE_WEIGHT = 100;

    /** The sub-commands and their getopt option strings, as cl_status.c declares them. */
    static final Map<String, String> SUB_COMMANDS = Map.ofEntries(
            Map.entry("hbstatus", "mv"), Map.entry("listnodes", "mpnv"), Map.entry("nodestatus", "m"),
            Map.entry("nodeweight", "m"), Map.entry("nodesite", "m"), Map.entry("nodetype", "m"),
            Map.entry("listhblinks", "mv"), Map.entry("hblinkstatus", "m"), Map.entry("clientstatus", "m"),
            Map.entry("rscstatus", "m"), Map.entry("hbparameter", "mp:"), Map.entry("test", ""));

    public static final String HELP = """
            Usage: cl_status <sub-command> [<options>] [<parameters>]

            Sub-commands:
            clientstatus <node-name> <client-id> [<timeout>]
            \tShow the status of heartbeat clients.
            hblinkstatus <node-name> <link-name>
            \tShow the status of a heartbeat link
            hbstatus
            \tIndicate if heartbeat is running on the local system.
            \tOptions:
            \t\t-v\tverbose: also add "listnodes -v" output
            listnodes [<option>]
            \tList the nodes in the cluster.
            \tOptions:
            \t\t-p\tlist only 'ping' type nodes
            \t\t-n\tlist only 'normal' type nodes
            \t\t-v\tverbose: also list type and status,
            \t\t\tthen add "listhblinks -v" output
            listhblinks <node-name>
            \tList the network interfaces used as hearbeat links.
            \tOptions:
            \t\t-v\tverbose: list link status as well
            nodestatus <node-name>
            \tList the node status.
            nodeweight <node-name>
            \tList the node weight.
            nodesite <node-name>
            \tList the node site.
            nodetype <node-name>
            \tList the nodes of a given type.
            rscstatus
            \tShow the status of cluster resources.
            hbparameter -p <parameter-name>
            \tRetrieve the value of a cluster parameter.
            \tAs for the valid parameter names, please refer to the man page.
            """;

    /** cl_log's stderr time stamp as Heartbeat 3.0.6's cl_status prints it ({@code Dec 07 07:19:22}). */
    private static final DateTimeFormatter HA_TIMESTAMP = DateTimeFormatter.ofPattern("MMM dd HH:mm:ss", Locale.ENGLISH);

    private final StatusReport report;
    private final long callerPid;
    private final LocalDateTime now;
    private final String host;
    private final StringBuilder out = new StringBuilder();
    private final StringBuilder err = new StringBuilder();
    private boolean human;

    private ClStatus(StatusReport report, long callerPid, LocalDateTime now, String host) {
        this.report = report;
        this.callerPid = callerPid;
        this.now = now;
        this.host = host;
    }

    /**
     * Runs one cl_status invocation against a running daemon's report.
     *
     * @param args      cl_status's arguments, the sub-command first
     * @param callerPid the PID of the cl_status process, for its {@code cl_status[pid]:} log lines on stderr
     */
    public static CommandOutput run(StatusReport report, List<String> args, long callerPid, LocalDateTime now) {
        return run(report, args, callerPid, now, hostname());
    }

    /** @param host the host name its log lines carry ({@code uname -n}) */
    public static CommandOutput run(StatusReport report, List<String> args, long callerPid, LocalDateTime now, String host) {
        ClStatus c = new ClStatus(report, callerPid, now, host);
        int rc = c.dispatch(args);
        return new CommandOutput(c.out.toString(), c.err.toString(), rc);
    }

    /** Heartbeat's answer when the daemon cannot be reached (sign-on failure), for sub-commands other than hbstatus. */
    public static CommandOutput signonFailure(long callerPid, LocalDateTime now, String host) {
        String prefix = logPrefix(callerPid, now, host);
        return new CommandOutput("", prefix + "ERROR: Cannot signon with heartbeat\n"
                + prefix + "ERROR: REASON: hb_api_signon: Can't initiate connection to heartbeat\n", NORMAL_FAIL);
    }

    /** cl_log's line prefix on stderr, as Heartbeat's cl_status prints it: {@code Dec 07 07:19:22 linux2 cl_status: [3718]: }. */
    private static String logPrefix(long pid, LocalDateTime now, String host) {
        return HA_TIMESTAMP.format(now) + " " + host + " cl_status: [" + pid + "]: ";
    }

    /** cl_log(LOG_ERR, …) with stderr enabled and no log facility, as cl_status sets it up. */
    private void logError(String message) {
        err.append(logPrefix(callerPid, now, host)).append("ERROR: ").append(message).append('\n');
    }

    /** The kernel's node name ({@code uname -n}) of the daemon, which is this host's. */
    static String hostname() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (java.io.IOException | RuntimeException e) {
            return "localhost";
        }
    }

    /** Heartbeat's client library prepends each node and link it receives, so cl_status lists them last first. */
    private static <T> List<T> asListed(List<T> inTableOrder) {
        List<T> r = new ArrayList<>(inTableOrder);
        java.util.Collections.reverse(r);
        return r;
    }

    private int dispatch(List<String> args) {
        if (args.isEmpty() || (args.size() == 1 && args.get(0).equals("-h"))) {
            out.append(HELP);
            return OK;
        }
        String cmd = args.get(0);
        String optstr = SUB_COMMANDS.get(cmd);
        if (optstr == null) {
            logError(cmd + ": invalid sub-command.");
            return PARAMETER_ERROR;
        }
        Getopt g = Getopt.parse(cmd, args.subList(1, args.size()), optstr);
        err.append(g.diagnostics());
        return switch (cmd) {
            case "hbstatus" -> hbstatus(g);
            case "listnodes" -> listnodes(g);
            case "nodestatus" -> nodeQuery(g, "Not enough parameters.", this::nodestatus);
            case "nodeweight" -> nodeweight(g);
            case "nodesite" -> nodeQuery(g, "Not enough parameters.", this::nodesite);
            case "nodetype" -> nodeQuery(g, "No enough parameter.", this::nodetype);
            case "listhblinks" -> listhblinks(g);
            case "hblinkstatus" -> hblinkstatus(g);
            case "clientstatus" -> clientstatus(g);
            case "rscstatus" -> rscstatus(g);
            case "hbparameter" -> hbparameter(g);
            case "test" -> test();
            default -> throw new IllegalStateException(cmd);
        };
    }

    /** The option loop of listnodes, listhblinks and hbparameter: an unknown option ends the command. */
    private boolean badOption(Getopt g, String wording) {
        for (char c : g.options()) {
            if (c == '?' || c == ':') {
                logError("Error: getopt returned" + wording + " " + (c == ':' ? '?' : c) + ".");
                return true;
            }
            if (c == 'm') {
                human = true;
            }
        }
        return false;
    }

    /** general_simple_opt_deal(): only -m is known. */
    private boolean simpleOptionsBad(Getopt g) {
        return badOption(g, "character");
    }

    private int hbstatus(Getopt g) {
        boolean verbose = false;
        for (char c : g.options()) {
            if (c == 'm') {
                human = true;
            } else if (c == 'v') {
                verbose = true;
            }
        }
        if (!verbose) {
            out.append("Heartbeat is running on this machine.\n");
            return OK;
        }
        String version = report.parameters().getOrDefault("hbversion", report.version());
        if (human) {
            out.append("Heartbeat version ").append(version).append('\n');
            out.append("Resources controlled by \"haresources\"\n");
        } else {
            out.append("version:\t").append(version).append('\n');
            out.append("managed by:\t\"haresources\"\n");
        }
        listNodes(false, false, true);
        return OK;
    }

    private int listnodes(Getopt g) {
        if (badOption(g, "character code")) {
            return PARAMETER_ERROR;
        }
        boolean verbose = g.has('v');
        boolean pingOnly = g.has('p');
        boolean normalOnly = g.has('n');
        if (pingOnly && normalOnly) {
            pingOnly = normalOnly = false;
        }
        listNodes(normalOnly, pingOnly, verbose);
        return OK;
    }

    private void listNodes(boolean normalOnly, boolean pingOnly, boolean verbose) {
        if (human) {
            out.append("The nodes are as follow:\n");
        }
        for (StatusReport.NodeInfo n : asListed(report.nodes())) {
            if ((normalOnly && n.ping()) || (pingOnly && !n.ping())) {
                continue;
            }
            if (verbose) {
                out.append('\n').append(n.name()).append('\t').append(n.status())
                        .append("\t(nodetype: ").append(n.type()).append(")\n");
                listLinks(n, true);
            } else {
                out.append(n.name()).append('\n');
            }
        }
    }

    private void listLinks(StatusReport.NodeInfo n, boolean verbose) {
        if (human) {
            out.append("\tthis node has the following heartbeat links:\n");
        }
        for (StatusReport.LinkInfo l : asListed(n.links())) {
            out.append('\t').append(l.name());
            if (verbose) {
                out.append('\t').append(l.status());
            }
            out.append('\n');
        }
    }

    private interface NodeAnswer {
        int answer(String asked, StatusReport.NodeInfo node);
    }

    private int nodeQuery(Getopt g, String notEnough, NodeAnswer answer) {
        if (simpleOptionsBad(g)) {
            return PARAMETER_ERROR;
        }
        if (g.operands().isEmpty()) {
            err.append(notEnough).append('\n');
            return PARAMETER_ERROR;
        }
        String asked = g.operands().get(0);
        Optional<StatusReport.NodeInfo> node = report.findNode(asked);
        if (node.isEmpty()) {
            err.append("Error. May be due to incorrect node name\n");
            return PARAMETER_ERROR;
        }
        return answer.answer(asked, node.get());
    }

    private int nodestatus(String asked, StatusReport.NodeInfo n) {
        String status = n.status();
        out.append(human ? "The cluster node " + asked + " is " + status : status).append('\n');
        return switch (status) {
            case "active", "up", "ping" -> OK;
            default -> NORMAL_FAIL;
        };
    }

    private int nodeweight(Getopt g) {
        if (simpleOptionsBad(g)) {
            return PARAMETER_ERROR;
        }
        if (g.operands().isEmpty()) {
            err.append("Not enough parameters.\n");
            return PARAMETER_ERROR;
        }
        String asked = g.operands().get(0);
        if (report.findNode(asked).isEmpty()) {
            err.append("Error. Maybe due to incorrect node name.\n");
            return PARAMETER_ERROR;
        }
        out.append(human ? "The weight of the cluster node " + asked + " is " + NODE_WEIGHT : String.valueOf(NODE_WEIGHT))
                .append('\n');
        return OK;
    }

    /** Vigil has no sites: the site is the empty string, as for a Heartbeat node configured without one. */
    private int nodesite(String asked, StatusReport.NodeInfo n) {
        String site = "";
        out.append(human ? "The site of the cluster node " + asked + " is " + site : site).append('\n');
        return OK;
    }

    private int nodetype(String asked, StatusReport.NodeInfo n) {
        out.append(human ? "The node " + asked + "'s type: " + n.type() : n.type()).append('\n');
        return OK;
    }

    private int listhblinks(Getopt g) {
        if (badOption(g, "character code")) {
            return PARAMETER_ERROR;
        }
        if (g.operands().isEmpty()) {
            err.append("No enough parameter.\n");
            return PARAMETER_ERROR;
        }
        Optional<StatusReport.NodeInfo> node = report.findNode(g.operands().get(0));
        if (node.isEmpty()) {
            logError("Cannot start heartbeat link interface walk.");
            logError("REASON: EINVAL");
            return UNKNOWN_ERROR;
        }
        listLinks(node.get(), g.has('v'));
        return OK;
    }

    private int hblinkstatus(Getopt g) {
        if (simpleOptionsBad(g)) {
            return PARAMETER_ERROR;
        }
        if (g.operands().size() < 2) {
            err.append("No enough parameter.\n");
            return PARAMETER_ERROR;
        }
        String nodeName = g.operands().get(0);
        String linkName = g.operands().get(1);
        Optional<StatusReport.LinkInfo> link = report.findNode(nodeName).flatMap(n -> n.link(linkName));
        if (link.isEmpty()) {
            logError("Cannot get heartbeat link status");
            logError("REASON: ");
            return UNKNOWN_ERROR;
        }
        String status = link.get().status();
        out.append(human ? "The node " + nodeName + "'s heartbeat link " + linkName + " is " + status : status)
                .append('\n');
        return link.get().up() ? OK : NORMAL_FAIL;
    }

    /**
     * Vigil has no API clients (ipfail, Pacemaker daemons): every client of a known node is offline, this node's
     * included — Heartbeat 3.0.6 answers a query about its own node itself, {@code offline} for a client not signed on
     * (hb_api.c api_clientstatus; side by side in the lab: {@code offline}, exit 1). Only its client library's timeout
     * (500 ms by default, the optional third operand) can turn that into exit 13 on a loaded host.
     */
    private int clientstatus(Getopt g) {
        if (simpleOptionsBad(g)) {
            return PARAMETER_ERROR;
        }
        if (g.operands().size() < 2) {
            err.append("No enough parameter.\n");
            return PARAMETER_ERROR;
        }
        String client = g.operands().get(1);
        if (report.findNode(g.operands().get(0)).isEmpty()) {
            logError("Cannot get heartbeat client " + client + "'s status");
            logError("REASON: No timely response.");
            return UNKNOWN_ERROR;
        }
        out.append("offline\n");
        return NORMAL_FAIL;
    }

    private int rscstatus(Getopt g) {
        if (simpleOptionsBad(g)) {
            return PARAMETER_ERROR;
        }
        String r = report.rscstatus();
        out.append(human ? "This node is holding " + r + " resources." : r).append('\n');
        return OK;
    }

    private int hbparameter(Getopt g) {
        if (badOption(g, "character code")) {
            return PARAMETER_ERROR;
        }
        String name = g.lastArgument('p');
        if (name == null) {
            logError("parameter name required");
            return PARAMETER_ERROR;
        }
        String value = report.parameters().get(name);
        if (value == null) {
            logError("Cannot get parameter " + name + "'s value");
            logError("REASON: ");
            return NORMAL_FAIL;
        }
        out.append(human ? "Heartbeat parameter " + name + "'s value: " + value : value).append('\n');
        return OK;
    }

    private int test() {
        out.append("Dead time: ").append(millis(report.parameters().get("deadtime")))
                .append("\n keeplive time: ").append(millis(report.parameters().get("keepalive")))
                .append("\n mynodeid: ").append(report.node())
                .append("\n rsc: ").append(report.rscstatus()).append('\n');
        return OK;
    }

    /** ha.cf time text (Heartbeat's cl_get_msec syntax) → whole milliseconds; 0 when absent or unreadable. */
    static long millis(String text) {
        return text == null ? 0 : Math.max(0, HeartbeatSyntax.parseMsec(text));
    }

    /**
     * GNU getopt as cl_status calls it ({@code getopt(argc-1, argv+1, optstr)}, argv[0] being the sub-command):
     * options may follow operands (permutation), {@code --} ends options, {@code -mv} clusters, {@code -pNAME} or
     * {@code -p NAME} for an option with an argument. Unknown options yield '?', a missing argument ':' — with
     * getopt's own message on stderr.
     */
    record Getopt(List<Character> optionList, List<String> optionArgs, List<String> operands, String diagnostics) {

        static Getopt parse(String progName, List<String> args, String optstr) {
            List<Character> opts = new ArrayList<>();
            List<String> optArgs = new ArrayList<>();
            List<String> operands = new ArrayList<>();
            StringBuilder diag = new StringBuilder();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (a.equals("--")) {
                    operands.addAll(args.subList(i + 1, args.size()));
                    break;
                }
                if (!a.startsWith("-") || a.length() == 1) {
                    operands.add(a);
                    continue;
                }
                for (int j = 1; j < a.length(); j++) {
                    char c = a.charAt(j);
                    int at = optstr.indexOf(c);
                    if (at < 0 || c == ':') {
                        diag.append(progName).append(": invalid option -- '").append(c).append("'\n");
                        opts.add('?');
                        optArgs.add(null);
                        continue;
                    }
                    boolean takesArg = at + 1 < optstr.length() && optstr.charAt(at + 1) == ':';
                    if (!takesArg) {
                        opts.add(c);
                        optArgs.add(null);
                        continue;
                    }
                    String value = null;
                    if (j + 1 < a.length()) {
                        value = a.substring(j + 1);
                    } else if (i + 1 < args.size()) {
                        value = args.get(++i);
                    }
                    if (value == null) {
                        diag.append(progName).append(": option requires an argument -- '").append(c).append("'\n");
                        opts.add('?');
                        optArgs.add(null);
                    } else {
                        opts.add(c);
                        optArgs.add(value);
                    }
                    break;
                }
            }
            return new Getopt(opts, optArgs, operands, diag.toString());
        }

        List<Character> options() {
            return optionList;
        }

        boolean has(char c) {
            return optionList.contains(c);
        }

        String lastArgument(char c) {
            String v = null;
            for (int i = 0; i < optionList.size(); i++) {
                if (optionList.get(i) == c) {
                    v = optionArgs.get(i);
                }
            }
            return v;
        }
    }
}
