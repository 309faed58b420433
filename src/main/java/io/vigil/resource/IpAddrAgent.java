package io.vigil.resource;

import io.vigil.config.ResourceSpec;
import io.vigil.netlink.RtNetlink;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The built-in {@code IPaddr} (also answering to {@code IPaddr2} and, for IPv6 addresses, {@code IPv6addr}): a
 * virtual IP managed like iproute2 does, over netlink from the JVM (or the {@code ip} command where netlink is
 * unavailable, see {@link AddressBackend}).
 * <ul>
 *   <li>start: interface and prefix from the argument, else from the connected route with the longest prefix
 *       (IPaddr2's {@code findif}); already present → success; IPv4 added with {@code brd} and, as Heartbeat's scripts
 *       do, for IPaddr the first free {@code <nic>:<n>} label (so {@code ip addr} and {@code ifconfig} show the
 *       {@code eth0:0} alias), for IPaddr2 the given label only, then gratuitous ARPs (the first at once, the rest in
 *       the background); IPv6 added, then waited out of {@code tentative} (failing on {@code dadfailed}), then
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
    private final AddressBackend addresses;
    private final Announcer announcer;

    IpAddrAgent(ResourceSpec spec, ResourceSettings settings, AddressBackend addresses, Announcer announcer) {
        this.spec = spec;
        IpAddrArgument a = null;
        String err = null;
        if (spec.args().size() != 1) {
            err = spec.agent() + " takes exactly one argument ip[/cidr[/nic[:label]][/broadcast]], got " + spec.args().size()
                    + " in '" + spec.token() + "'";
        } else {
            try {
                a = IpAddrArgument.parse(spec.args().get(0));
                if (spec.agent().equals("IPv6addr") && !a.ipv6()) {
                    err = "IPv6addr takes an IPv6 address, got '" + spec.args().get(0) + "' (use IPaddr2 for IPv4)";
                    a = null;
                }
            } catch (IllegalArgumentException e) {
                err = e.getMessage();
            }
        }
        this.arg = a;
        this.argError = err;
        this.settings = settings;
        this.addresses = addresses;
        this.announcer = announcer;
    }

    /** IPaddr, IPaddr2 and Heartbeat's IPv6addr ({@code ip[/prefix[/nic]]}, IPv6 only) are all this agent. */
    public static boolean handles(String agent) {
        return agent.equals("IPaddr") || agent.equals("IPaddr2") || agent.equals("IPv6addr");
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
        List<String> problems = new ArrayList<>();
        // through netlink neither ip nor arping/send_ua is run; the fallback runs them
        boolean commands = addresses instanceof IpCommandAddresses;
        if (commands && ProcessRunner.findExecutable("ip").isEmpty()) {
            problems.add(name() + ": the ip command (iproute2) is not installed");
        }
        if (commands && settings.arpCount() > 0) {
            // Without announcements the address moves but the neighbours keep the old MAC for minutes.
            if (!arg.ipv6() && ProcessRunner.findExecutable("arping").isEmpty()) {
                problems.add(name() + ": arping is not installed, so no gratuitous ARP would tell the neighbours that "
                        + arg.ip() + " moved (install iputils-arping)");
            } else if (arg.ipv6() && Announcer.SEND_UA.stream().noneMatch(java.nio.file.Files::isExecutable)
                    && ProcessRunner.findExecutable("ndsend").isEmpty()) {
                problems.add(name() + ": neither send_ua nor ndsend is installed, so no unsolicited neighbour advertisement "
                        + "would tell the neighbours that " + arg.ip() + " moved (install resource-agents)");
            }
        }
        return problems;
    }

    /** An operation failed; rc is its exit code. */
    private static final class Failure extends Exception {
        final int rc;

        Failure(int rc, String message) {
            super(message, null, false, false);
            this.rc = rc;
        }
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
            Optional<RtNetlink.Address> a = findAddress(null);
            if (a.isPresent()) {
                announcer.announce(nsPrefix(), a.get().nic(), arg.address(), a.get().prefix(), settings.arpCount(),
                        settings.arpInterval());
            }
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

    // The client waits for the address during a switchover: start reads the interface's addresses once and brings
    // the link up only if it is down.
    private void doStart(List<String> lines) throws Failure {
        Placement where = placement(lines);
        List<RtNetlink.Address> onNic = addresses(where.nic());
        if (onNic.stream().anyMatch(a -> a.address().equals(arg.address()))) {
            lines.add(arg.ip() + " is already on " + where.nic());
            HeldAddresses.held(settings.tmpDir(), settings.networkNamespace(), arg.ip(), where.prefix(), where.nic());
            return;
        }
        // recorded before it is added: a daemon killed in between leaves the guardian one address to try too many
        HeldAddresses.held(settings.tmpDir(), settings.networkNamespace(), arg.ip(), where.prefix(), where.nic());
        if (arg.ipv6()) {
            change(() -> addresses.add(where.nic(), arg.address(), where.prefix(), null, null));
            change(() -> addresses.linkUp(where.nic()));
            waitForDad(where, lines);
        } else {
            // Heartbeat's IPaddr (ifconfig) makes an alias eth0:N; its IPaddr2 labels the address only when told to.
            String label = arg.label().isPresent() || spec.agent().equals("IPaddr") ? label(where.nic(), onNic) : null;
            InetAddress brd = arg.broadcast().isPresent() ? arg.broadcast().get()
                    : read(() -> InetAddress.getByName(IpAddrArgument.defaultBroadcast(arg.address(), where.prefix())));
            change(() -> addresses.add(where.nic(), arg.address(), where.prefix(), brd, label));
            change(() -> addresses.linkUp(where.nic()));
            lines.add("added " + arg.ip() + "/" + where.prefix() + " brd " + brd.getHostAddress() + " on "
                    + (label != null ? label : where.nic()));
        }
        lines.add(announcer.announce(nsPrefix(), where.nic(), arg.address(), where.prefix(), settings.arpCount(),
                settings.arpInterval()));
    }

    private void doStop(List<String> lines) throws Failure {
        announcer.cancel(arg.address());
        Optional<RtNetlink.Address> present = findAddress(arg.nic().orElse(null));
        if (present.isEmpty()) {
            lines.add(arg.ip() + " is not configured: nothing to stop");
            HeldAddresses.released(settings.tmpDir(), arg.ip());
            return;
        }
        RtNetlink.Address a = present.get();
        change(() -> addresses.delete(a.nic(), arg.address(), a.prefix()));
        HeldAddresses.released(settings.tmpDir(), arg.ip());
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
                Optional<RtNetlink.Address> anywhere = findAddress(null);
                return anywhere.isPresent() ? ResourceState.RUNNING : ResourceState.STOPPED;
            }
        }
        Optional<RtNetlink.Address> a = findAddress(nic.get());
        if (a.isPresent() && a.get().dadFailed()) {
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
        int max = arg.prefix().orElse(arg.ipv6() ? 128 : 32);
        List<RtNetlink.ConnectedRoute> routes = read(() -> addresses.connectedRoutes(arg.address(), max, arg.nic().orElse(null)));
        RtNetlink.ConnectedRoute best = null;
        for (RtNetlink.ConnectedRoute r : routes) {
            if (best == null || r.prefix() > best.prefix()) {
                best = r;
            }
        }
        if (best == null) {
            throw new Failure(6, "Unable to find nic or netmask: no connected route matches " + arg.ip()
                    + arg.nic().map(n -> " on " + n).orElse("")
                    + ". Configure an address of that subnet on an interface, or give prefix and interface ("
                    + spec.agent() + "::" + arg.ip() + (arg.ipv6() ? "/64/eth0)" : "/24/eth0)"));
        }
        int prefix = arg.prefix().orElse(best.prefix());
        lines.add("using " + best.nic() + " /" + prefix + " (connected route)");
        return new Placement(best.nic(), prefix);
    }

    /** The first free {@code <nic>:<n>} alias label, or the given one; {@code onNic} are the interface's addresses. */
    private String label(String nic, List<RtNetlink.Address> onNic) throws Failure {
        if (arg.label().isPresent()) {
            String l = nic + ":" + arg.label().get();
            if (l.length() > IpAddrArgument.MAX_NAME) {
                throw new Failure(6, "label " + l + " is longer than " + IpAddrArgument.MAX_NAME + " characters");
            }
            return l;
        }
        Set<String> used = new HashSet<>();
        for (RtNetlink.Address a : onNic) {
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
            Optional<RtNetlink.Address> a = findAddress(where.nic());
            if (a.isEmpty()) {
                throw new Failure(1, arg.ip() + " vanished from " + where.nic() + " during duplicate address detection");
            }
            if (a.get().dadFailed()) {
                try {
                    addresses.delete(where.nic(), arg.address(), where.prefix());
                } catch (IOException e) {
                    LOG.warnf("removing %s after failed duplicate address detection: %s", arg.ip(), e.getMessage());
                }
                throw new Failure(1, "IPv6 address collision " + arg.ip() + " [DAD]: another node on " + where.nic()
                        + " already uses it; address removed");
            }
            if (!a.get().tentative()) {
                lines.add(arg.ip() + "/" + where.prefix() + " on " + where.nic() + " passed duplicate address detection");
                return;
            }
            if (System.nanoTime() > deadline) {
                lines.add("IPv6 address " + arg.ip() + ": DAD is still tentative after " + DAD_WAIT.toSeconds() + " s");
                LOG.warnf("IPv6 address %s: DAD is still in tentative", arg.ip());
                return;
            }
            try {
                // a netlink read costs tens of microseconds: look often, the address is usable the moment DAD ends
                Thread.sleep(addresses instanceof NetlinkAddresses ? 10 : 100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failure(1, "interrupted while waiting for DAD");
            }
        }
    }

    /** Our address on {@code nic} (any interface when null). */
    Optional<RtNetlink.Address> findAddress(String nic) throws Failure {
        return addresses(nic).stream().filter(a -> a.address().equals(arg.address())).findFirst();
    }

    private List<RtNetlink.Address> addresses(String nic) throws Failure {
        return read(() -> addresses.addresses(arg.ipv6(), nic));
    }

    private interface Read<T> {
        T get() throws IOException;
    }

    private interface Change {
        void run() throws IOException;
    }

    private static <T> T read(Read<T> r) throws Failure {
        try {
            return r.get();
        } catch (IOException e) {
            throw new Failure(1, e.getMessage());
        }
    }

    private static void change(Change c) throws Failure {
        try {
            c.run();
        } catch (IOException e) {
            throw new Failure(1, e.getMessage());
        }
    }

    private List<String> nsPrefix() {
        return settings.networkNamespace().isEmpty() ? List.of()
                : List.of("ip", "netns", "exec", settings.networkNamespace());
    }
}
