package io.vigil.daemon;

import io.vigil.config.ClusterConfig;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigProblem;
import io.vigil.reload.ReloadPlan;
import io.vigil.transport.Transport;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Reload in place (SIGHUP, {@code vigil reload}) and its dry run ({@code check-config --diff}): re-reads every file,
 * plans the change ({@link ReloadPlan}), opens new media beside the running ones, and has the node's core take the
 * new settings on the daemon's loop; a refusal anywhere keeps the running configuration whole.
 */
final class DaemonReload {

    private static final Logger LOG = Logger.getLogger("vigil");

    private final Daemon daemon;
    private final Daemon.ConfigReader reader;
    private Runnable afterApplied = () -> { };

    DaemonReload(Daemon daemon, Daemon.ConfigReader reader) {
        this.daemon = daemon;
        this.reader = reader;
    }

    void afterApplied(Runnable hook) {
        this.afterApplied = hook;
    }

    /**
     * SIGHUP, {@code vigil reload}: re-reads every file and applies the changes in place (see {@link ReloadPlan}), or
     * refuses the whole reload and keeps the running configuration. Blocks until applied: call it off the loop.
     */
    synchronized ReloadResult reload() {
        Prepared p = prepare();
        if (p.refusal != null) {
            LOG.error(p.refusal);
            return ReloadResult.refused(p.refusal);
        }
        ReloadPlan plan = p.plan;
        if (plan.unchanged()) {
            LOG.info("reloaded: nothing changed");
            return ReloadResult.applied("reloaded: nothing changed");
        }
        ClusterConfig next = p.next;
        // Everything that can fail is done first: the new media are opened before anything changes (and closed
        // again if the core refuses), so nothing is half-applied.
        Transport fresh = null;
        if (plan.mediaChanged()) {
            try {
                fresh = openMedia(next);
            } catch (Exception e) {
                String why = "reload refused, the running configuration is kept: the new media cannot be opened ("
                        + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()) + ")";
                LOG.error(why);
                return ReloadResult.refused(why);
            }
        }
        Transport media = fresh;
        CompletableFuture<Optional<String>> done = new CompletableFuture<>();
        daemon.loop().context().runOnContext(v -> {
            try {
                done.complete(applyOnLoop(plan, next, media));
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        Optional<String> refused;
        try {
            refused = done.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            refused = Optional.of("the daemon's loop did not answer (" + e + ")");
        }
        if (refused.isPresent()) {
            if (fresh != null) {
                fresh.stop();
            }
            String why = "reload refused, the running configuration is kept: " + refused.get();
            LOG.error(why);
            return ReloadResult.refused(why);
        }
        afterApplied.run();
        String message = "reloaded: " + plan.summary();
        LOG.info(message);
        return ReloadResult.applied(message);
    }

    /** {@code check-config --diff}: what {@link #reload()} would do now; nothing is applied. */
    ReloadResult plan() {
        Prepared p = prepare();
        if (p.plan == null) {
            return ReloadResult.refused(p.refusal);
        }
        return new ReloadResult(!p.plan.refused(), "Reload plan for " + daemon.config().localNode() + " (running configuration"
                + " → the files in " + daemon.config().configDir() + "):\n" + p.plan.render());
    }

    private record Prepared(ClusterConfig next, ReloadPlan plan, String refusal) {
    }

    /** Reads and checks the files, then plans: a broken file or a change that cannot be applied is a refusal. */
    private Prepared prepare() {
        ClusterConfig next;
        try {
            next = reader.read();
        } catch (ConfigException e) {
            e.problems().forEach(p -> LOG.error(p.format()));
            return new Prepared(null, null, "reload refused, the running configuration is kept: "
                    + e.problems().stream().filter(ConfigProblem::isError).map(ConfigProblem::format)
                    .collect(Collectors.joining("; ")));
        }
        List<ConfigProblem> preflight = Preflight.check(next).stream().filter(ConfigProblem::isError).toList();
        if (!preflight.isEmpty()) {
            return new Prepared(next, null, "reload refused, the running configuration is kept: "
                    + preflight.stream().map(ConfigProblem::format).collect(Collectors.joining("; ")));
        }
        ReloadPlan plan = ReloadPlan.of(daemon.config(), next);
        return new Prepared(next, plan, plan.refused()
                ? "reload refused, the running configuration is kept: " + plan.refusalText() : null);
    }

    /** Opens and binds the new media (all of them) beside the running ones; fails having closed what it opened. */
    private Transport openMedia(ClusterConfig next) throws Exception {
        CompletableFuture<Transport> opened = new CompletableFuture<>();
        daemon.loop().context().runOnContext(v -> {
            Transport t = daemon.newTransport(next);
            t.start().onComplete(ar -> {
                if (ar.succeeded()) {
                    opened.complete(t);
                } else {
                    opened.completeExceptionally(ar.cause());
                }
            });
        });
        try {
            return opened.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    /**
     * On the loop: the core takes the new settings (or refuses, and nothing changed), then the edges follow: the
     * groups the executor may run, the media, the timers, the keys.
     */
    private Optional<String> applyOnLoop(ReloadPlan plan, ClusterConfig next, Transport fresh) {
        ClusterConfig running = daemon.config();
        plan.added().forEach(g -> daemon.operable().put(g.key(), g)); // before the core may start one
        Optional<String> refused = daemon.loop().core().reconfigure(Daemon.monotonicMillis(), Daemon.settings(next));
        if (refused.isPresent()) {
            plan.added().forEach(g -> daemon.operable().remove(g.key()));
            return refused;
        }
        if (fresh != null) {
            daemon.useTransport(fresh);
        }
        if (next.keepaliveMs() != running.keepaliveMs() || plan.monitorIntervalChanged()) {
            daemon.loop().restartPeriodicTimers(next.keepaliveMs(), next.vigil().monitorInterval().toMillis());
            daemon.watchdogs().retime(next.keepaliveMs());
        }
        daemon.install(next);
        daemon.loop().publish();
        daemon.loop().rearm();
        return Optional.empty();
    }
}
