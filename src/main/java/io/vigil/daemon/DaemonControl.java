package io.vigil.daemon;

import io.vigil.control.ControlHandler;
import io.vigil.control.Reply;
import io.vigil.control.StatusReport;
import io.vigil.failover.FailoverEvent.OperatorKind;
import io.vigil.failover.ResourceSet;

/** The control socket's requests, answered by the running daemon. */
final class DaemonControl implements ControlHandler {

    private final Daemon daemon;
    private final String version;
    /** This process's start-up, launch to first keepalive (-1 until started): a keeping stop compares it to its window. */
    private volatile long startupMs = -1;

    DaemonControl(Daemon daemon, String version) {
        this.daemon = daemon;
        this.version = version;
    }

    /** Records how long this process took to start (see {@link RestartWindow}). */
    void started(long startupMs) {
        this.startupMs = startupMs;
    }

    @Override
    public StatusReport status() {
        return DaemonReporting.report(daemon, version);
    }

    @Override
    public Reply standby(ResourceSet set) {
        daemon.operator(OperatorKind.STANDBY, set);
        return Reply.ok("Going standby [" + set.wire() + "].");
    }

    @Override
    public Reply takeover(ResourceSet set) {
        daemon.operator(OperatorKind.TAKEOVER, set);
        return Reply.ok("Taking over [" + set.wire() + "].");
    }

    @Override
    public Reply cleanup(String group) {
        try {
            var r = daemon.cleanup(group).toCompletionStage().toCompletableFuture()
                    .get(daemon.config().vigil().stopTimeout().toMillis() * 20 + 30_000, java.util.concurrent.TimeUnit.MILLISECONDS);
            return r.released() ? Reply.ok(r.summary()) : Reply.refused(r.summary());
        } catch (java.util.concurrent.ExecutionException e) {
            return Reply.refused(String.valueOf(e.getCause().getMessage()));
        } catch (java.util.concurrent.TimeoutException e) {
            return Reply.refused("cleanup of " + group + " still running; see vigil status");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reply.refused("interrupted");
        }
    }

    @Override
    public Reply reload() {
        ReloadResult r = daemon.reload();
        return r.applied() ? Reply.ok(r.message()) : Reply.refused(r.message());
    }

    @Override
    public Reply stopKeepingResources() {
        Daemon.KeepStop r = daemon.stopKeepingResources();
        String warning = RestartWindow.warning(startupMs,
                RestartWindow.windowMs(daemon.config().deadtimeMs(), daemon.config().keepaliveMs()));
        return r.accepted() ? Reply.ok(r.message() + warning) : Reply.refused(r.message());
    }

    @Override
    public void stopKeepingResourcesAnswered() {
        daemon.exitKeepingResources();
    }

    @Override
    public Reply reloadPlan() {
        ReloadResult r = daemon.reloadPlan();
        return r.applied() ? Reply.ok(r.message()) : Reply.refused(r.message());
    }
}
