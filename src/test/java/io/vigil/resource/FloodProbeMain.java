package io.vigil.resource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs in a JVM started with the launcher's flags ({@link FloodUnderLauncherHeapTest}): a "keepalive" task every
 * 200 ms on its own thread, while ProcessRunner reads the flooding script given as argument {@code rounds} times.
 * Prints the largest lateness of the keepalive task, the heap used, and the time of each run.
 */
public final class FloodProbeMain {

    public static void main(String[] args) throws Exception {
        Path script = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        AtomicLong last = new AtomicLong(System.nanoTime());
        AtomicLong worst = new AtomicLong();
        ticker.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            worst.accumulateAndGet((now - last.getAndSet(now)) / 1_000_000 - 200, Math::max);
        }, 200, 200, TimeUnit.MILLISECONDS);
        Runtime rt = Runtime.getRuntime();
        long maxUsed = 0;
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            ProcessRunner.Outcome o = new ProcessRunner(20).run(List.of(script.toString()), Map.of(), Duration.ofSeconds(60));
            maxUsed = Math.max(maxUsed, rt.totalMemory() - rt.freeMemory());
            System.out.println("round " + i + ": exit " + o.exitCode() + ", " + o.omittedBytes() + " bytes omitted, kept "
                    + o.stdoutText().length() + " chars, " + (System.nanoTime() - t0) / 1_000_000 + " ms, text ends '"
                    + o.stdoutText().substring(Math.max(0, o.stdoutText().length() - 12)) + "'");
        }
        ticker.shutdownNow();
        System.out.println("RESULT maxHeapUsedKb=" + maxUsed / 1024 + " maxHeapKb=" + rt.maxMemory() / 1024
                + " worstTickLatenessMs=" + worst.get());
    }

    private FloodProbeMain() {
    }
}
