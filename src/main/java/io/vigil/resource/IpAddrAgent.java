package io.vigil.resource;

import io.vigil.config.ResourceSpec;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The built-in {@code IPaddr} (also answering to {@code IPaddr2}): a virtual IP managed with iproute2.
 * <ul>
 *   <li>start: interface and prefix from the argument, else from the connected route with the longest prefix
 *       (IPaddr2's {@code findif}); already present → success; IPv4 added with {@code brd} and the first free
 *       {@code <nic>:<n>} label (so {@code ip addr} and {@code ifconfig} show the {@code eth0:0} alias), then gratuitous
 *       ARPs in the background; IPv6 added, then waited out of {@code tentative} (failing on {@code dadfailed}), then
 *       announced with unsolicited neighbour advertisements.</li>
 *   <li>stop: the address removed; success when it is already gone.</li>
 *   <li>status: RUNNING when the address is on the expected interface (prints {@code running}, exits 0), else
 *       STOPPED ({@code stopped}, 3), as an LSB script would.</li>
 * </ul>
 */
public final class IpAddrAgent implements ResourceAgent {

    private static final Logger LOG = Logger.getLogger("io.vigil.resource");

    /** IPaddr2 waits up to 10 s for duplicate address detection. */
    static final Duration DAD_WAIT = Duration.ofSeconds(10);
    private static final int MAX_ALIASES = 512;

    private final ResourceSpec spec;
    private final IpAddrArgument arg;
    private final String argError;
    private final ResourceSettings settings;
    private final ProcessRunner runner;
    private final Announcer announcer;

    IpAddrAgent(ResourceSpec spec, ResourceSettings settings, ProcessRunner runner, Announcer announcer) {
        this.spec = spec;
        IpAddrArgument a = null;
        String err = null;
        if (spec.args().size() != 1) {
            err = spec.agent() + " takes exactly one argument ip[/cidr[/nic[:label]][/broadcast]], got " + spec.args().size()
                    + " in '" + spec.token() + "'";
        } else {
            try {
                a = IpAddrArgument.parse(spec.args().get(0));
            } catch (IllegalArgumentException e) {
                err = e.getMessage();
            }
        }
        this.arg = a;
        this.argError = err;
        this.settings = settings;
        // `ip -o addr show` lists every address of the host: keep all of its lines, not a tail
        this.runner = new ProcessRunner(10_000);
        this.announcer = announcer;
    }

    public static boolean handles(String agent) {
        return agent.equals("IPaddr") || agent.equals("IPaddr2");
    }

    public Optional<IpAddrArgument> argument() {
        return Optional.ofNullable(arg);
    }

    @Override
    public String name() {
        return spec.canonical();
    }

    @Override
    public String describe() {
        return "built-in " + spec.agent();
    }

    @Override
    public List<String> validate() {
        if (argError != null) {
            return List.of(argError);
        }
        if (Announcer.findExecutable("ip").isEmpty()) {
            return List.of(name() + ": the ip command (iproute2) is not installed");
        }
        return List.of();
    }

    /** An operation failed; rc is its exit code. */
    private static final class Failure extends Exception {
        final int rc;

        Failure(int rc, String message) {
            super(message, null, false, false);
            this.rc = rc;
        }
    }

    /** One address as {@code ip -o addr show} lists it. */
    record Address(String nic, InetAddress address, int prefix, String label, String flags) {
    }

    record Placement(String nic, int prefix) {
    }

    // ---- operations ----

    @Override
    public OperationResult start() {
        return operation("start", this::doStart);
    }

    @Override
    public OperationResult stop() {
        return operation("stop", this::doStop);
    }

    @Override
    public Status status() {
        long t0 = System.nanoTime();
        List<String> lines = new ArrayList<>();
        ResourceState state;
        int rc;
        try {
            state = doStatus(lines);
            rc = state == ResourceState.RUNNING ? 0 : 3;
            lines.add(state == ResourceState.RUNNING ? "running" : "stopped");
        } catch (Failure f) {
            state = ResourceState.UNKNOWN;
            rc = f.rc;
            lines.add(f.getMessage());
        }
        OperationResult r = new OperationResult(name(), "status", rc, Duration.ofNanos(System.nanoTime() - t0), lines, false);
        return new Status(state, r, lines.get(lines.size() - 1), List.of());
    }

    @Override
    public void announce() {
        if (arg == null) {
            return;
        }
        try {
            Optional<Address> a = findAddress(null, new ArrayList<>());
            a.ifPresent(x -> announcer.announce(nsPrefix(), x.nic(), arg.ip(), x.prefix(), arg.ipv6(), settings.arpCount(),
                    settings.arpInterval()));
        } catch (Failure f) {
            LOG.warnf("cannot re-announce %s: %s", name(), f.getMessage());
        }
    }

    private interface Body {
        void run(List<String> lines) throws Failure;
    }

    private OperationResult operation(String op, Body body) {
        long t0 = System.nanoTime();
        List<String> lines = new ArrayList<>();
        LOG.infof("Running %s %s %s (built-in)", spec.agent(), String.join(" ", spec.args()), op);
        int rc = 0;
        try {
            if (arg == null) {
                throw new Failure(2, argError);
            }
            body.run(lines);
        } catch (Failure f) {
            rc = f.rc;
            lines.add(f.getMessage());
            LOG.errorf("Return code %d from %s (built-in): %s", rc, spec.agent(), f.getMessage());
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        return new OperationResult(name(), op, rc, took, lines, false);
    }

    @Override
    public boolean startChecksRunning() {
        return true;
    }

    // Every `ip` run costs a process start (tens of ms on a busy or sandboxed host) and the client waits for the
    // address during a switchover: start asks for the interface's addresses once and brings the link up only if
    // it is down.
    private void doStart(List<String> lines) throws Failure {
        Placement where = placement(lines);
        List<Address> onNic = addresses(where.nic(), lines);
        if (onNic.stream().anyMatch(a -> a.address().equals(arg.address()))) {
            lines.add(arg.ip() + " is already on " + where.nic());
            return;
        }
        if (arg.ipv6()) {
            ip(lines, true, "-f", "inet6", "addr", "add", arg.ip() + "/" + where.prefix(), "dev", where.nic());
            linkUp(where.nic(), lines);
            waitForDad(where, lines);
        } else {
            String label = label(where.nic(), onNic);
            String brd = arg.broadcast().map(InetAddress::getHostAddress)
                    .orElse(IpAddrArgument.defaultBroadcast(arg.address(), where.prefix()));
            ip(lines, true, "-f", "inet", "addr", "add", arg.ip() + "/" + where.prefix(), "brd", brd, "dev", where.nic(),
                    "label", label);
            linkUp(where.nic(), lines);
            lines.add("added " + arg.ip() + "/" + where.prefix() + " brd " + brd + " on " + label);
        }
        lines.add(announcer.announce(nsPrefix(), where.nic(), arg.ip(), where.prefix(), arg.ipv6(), settings.arpCount(),
                settings.arpInterval()));
    }

    private void doStop(List<String> lines) throws Failure {
        announcer.cancel(arg.ip());
        Optional<Address> present = findAddress(arg.nic().orElse(null), lines);
        if (present.isEmpty()) {
            lines.add(arg.ip() + " is not configured: nothing to stop");
            return;
        }
        Address a = present.get();
        ip(lines, true, "-f", arg.ipv6() ? "inet6" : "inet", "addr", "del", arg.ip() + "/" + a.prefix(), "dev", a.nic());
        lines.add("removed " + arg.ip() + "/" + a.prefix() + " from " + a.nic());
    }

    private ResourceState doStatus(List<String> lines) throws Failure {
        Optional<String> nic = arg.nic();
        if (nic.isEmpty()) {
            try {
                nic = Optional.of(placement(lines).nic());
            } catch (Failure f) {
                // No connected route, e.g. the link is down: the address may still be configured. Like Heartbeat's
                // IPaddr, look for it on any interface; reporting it stopped would make the monitor "restart" it,
                // fail (no route) and mark the group failed here while the address is in fact still up.
                lines.add(f.getMessage());
                Optional<Address> anywhere = findAddress(null, lines);
                return anywhere.isPresent() ? ResourceState.RUNNING : ResourceState.STOPPED;
            }
        }
        Optional<Address> a = findAddress(nic.get(), lines);
        if (a.isPresent() && a.get().flags().contains("dadfailed")) {
            lines.add(arg.ip() + " is on " + nic.get() + " but failed duplicate address detection");
            return ResourceState.STOPPED;
        }
        return a.isPresent() ? ResourceState.RUNNING : ResourceState.STOPPED;
    }

    // ---- helpers ----

    /** Interface and prefix: from the argument, else from the connected route with the longest prefix (§6.2). */
    Placement placement(List<String> lines) throws Failure {
        if (arg.nic().isPresent() && arg.prefix().isPresent()) {
            return new Placement(arg.nic().get(), arg.prefix().getAsInt());
        }
        ProcessRunner.Outcome o = ip(lines, true, FindIf.routeQuery(arg).toArray(String[]::new));
        Optional<FindIf.Placement> found = FindIf.choose(arg, o.stdout());
        if (found.isEmpty()) {
            throw new Failure(6, "Unable to find nic or netmask: no connected route matches " + arg.ip()
                    + arg.nic().map(n -> " on " + n).orElse("")
                    + ". Configure an address of that subnet on an interface, or give prefix and interface ("
                    + spec.agent() + "::" + arg.ip() + (arg.ipv6() ? "/64/eth0)" : "/24/eth0)"));
        }
        lines.add("using " + found.get().nic() + " /" + found.get().prefix() + " (connected route)");
        return new Placement(found.get().nic(), found.get().prefix());
    }

    /** As Heartbeat's IPaddr, the interface is brought up; asked of the kernel first when we are in its namespace. */
    private void linkUp(String nic, List<String> lines) throws Failure {
        if (settings.networkNamespace().isEmpty()) {
            try {
                java.net.NetworkInterface ni = java.net.NetworkInterface.getByName(nic);
                if (ni != null && ni.isUp()) {
                    return;
                }
            } catch (java.net.SocketException e) {
                // unknown: set it up below, as before
            }
        }
        ip(lines, true, "link", "set", nic, "up");
    }

    /** The first free {@code <nic>:<n>} alias label, or the given one; {@code onNic} are the interface's addresses. */
    private String label(String nic, List<Address> onNic) throws Failure {
        if (arg.label().isPresent()) {
            String l = nic + ":" + arg.label().get();
            if (l.length() > IpAddrArgument.MAX_NAME) {
                throw new Failure(6, "label " + l + " is longer than " + IpAddrArgument.MAX_NAME + " characters");
            }
            return l;
        }
        Set<String> used = new HashSet<>();
        for (Address a : onNic) {
            used.add(a.label());
        }
        for (int n = 0; n < MAX_ALIASES; n++) {
            String l = nic + ":" + n;
            if (l.length() > IpAddrArgument.MAX_NAME) {
                throw new Failure(6, "cannot label " + arg.ip() + " on " + nic + ": " + l + " is longer than "
                        + IpAddrArgument.MAX_NAME + " characters (give a short label: " + nic + ":x)");
            }
            if (!used.contains(l)) {
                return l;
            }
        }
        throw new Failure(1, "no free alias label on " + nic);
    }

    private void waitForDad(Placement where, List<String> lines) throws Failure {
        long deadline = System.nanoTime() + DAD_WAIT.toNanos();
        while (true) {
            Optional<Address> a = findAddress(where.nic(), lines);
            if (a.isEmpty()) {
                throw new Failure(1, arg.ip() + " vanished from " + where.nic() + " during duplicate address detection");
            }
            String flags = a.get().flags();
            if (flags.contains("dadfailed")) {
                ip(lines, false, "-f", "inet6", "addr", "del", arg.ip() + "/" + where.prefix(), "dev", where.nic());
                throw new Failure(1, "IPv6 address collision " + arg.ip() + " [DAD]: another node on " + where.nic()
                        + " already uses it; address removed");
            }
            if (!flags.contains("tentative")) {
                lines.add(arg.ip() + "/" + where.prefix() + " on " + where.nic() + " passed duplicate address detection");
                return;
            }
            if (System.nanoTime() > deadline) {
                lines.add("IPv6 address " + arg.ip() + ": DAD is still tentative after " + DAD_WAIT.toSeconds() + " s");
                LOG.warnf("IPv6 address %s: DAD is still in tentative", arg.ip());
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failure(1, "interrupted while waiting for DAD");
            }
        }
    }

    /** Our address on {@code nic} (any interface when null). */
    Optional<Address> findAddress(String nic, List<String> lines) throws Failure {
        return addresses(nic, lines).stream().filter(a -> a.address().equals(arg.address())).findFirst();
    }

    private List<Address> addresses(String nic, List<String> lines) throws Failure {
        String family = arg.ipv6() ? "inet6" : "inet";
        List<String> cmd = new ArrayList<>(List.of("-o", "-f", family, "addr", "show"));
        if (nic != null) {
            cmd.addAll(List.of("dev", nic));
        }
        ProcessRunner.Outcome o = ip(lines, false, cmd.toArray(String[]::new));
        if (!o.ok()) {
            if (nic != null && String.join(" ", o.lastLines()).contains("does not exist")) {
                return List.of();
            }
            throw new Failure(1, "ip " + String.join(" ", cmd) + " failed: " + String.join(" ", o.lastLines()));
        }
        List<Address> out = new ArrayList<>();
        for (String line : o.stdout()) {
            String head = line.contains("\\") ? line.substring(0, line.indexOf('\\')) : line;
            String[] w = head.trim().split("\\s+");
            if (w.length < 4 || !(w[2].equals("inet") || w[2].equals("inet6")) || !w[3].contains("/")) {
                continue;
            }
            String dev = w[1].contains("@") ? w[1].substring(0, w[1].indexOf('@')) : w[1];
            try {
                InetAddress addr = InetAddress.getByName(w[3].substring(0, w[3].indexOf('/')));
                int prefix = Integer.parseInt(w[3].substring(w[3].indexOf('/') + 1));
                out.add(new Address(dev, addr, prefix, w[w.length - 1], head));
            } catch (UnknownHostException | NumberFormatException e) {
                // not an address line
            }
        }
        return out;
    }

    private List<String> nsPrefix() {
        return settings.networkNamespace().isEmpty() ? List.of()
                : List.of("ip", "netns", "exec", settings.networkNamespace());
    }

    /** Runs {@code ip [-n ns] args}; with {@code must}, a non-zero exit is a Failure carrying ip's message. */
    private ProcessRunner.Outcome ip(List<String> lines, boolean must, String... args) throws Failure {
        List<String> argv = new ArrayList<>();
        argv.add("ip");
        if (!settings.networkNamespace().isEmpty()) {
            argv.addAll(List.of("-n", settings.networkNamespace()));
        }
        argv.addAll(List.of(args));
        ProcessRunner.Outcome o = runner.run(argv, java.util.Map.of(), settings.statusTimeout());
        if (must && !o.ok()) {
            throw new Failure(1, String.join(" ", argv) + " failed (rc " + o.exitCode() + "): " + String.join(" ", o.lastLines()));
        }
        return o;
    }
}
