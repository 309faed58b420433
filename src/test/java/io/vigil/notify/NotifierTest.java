package io.vigil.notify;

import io.vigil.config.ClusterConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real scripts run by the real queue: arguments, environment, order, timeout, failures and a full queue. */
class NotifierTest {

    private final List<String> outcomes = Collections.synchronizedList(new ArrayList<>());

    private static ClusterEvent event(long seq, EventType type, String group, String state) {
        return new ClusterEvent(seq, 1_800_000_000_000L, type, "linux1", "linux1", "", group, "", state, "", "start ok");
    }

    private static void await(Duration timeout, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void scriptAndDirectoryGetArgumentsAndEnvironmentInOrder(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("calls.log");
        Path script = NotifyFixture.script(tmp.resolve("notify.sh"),
                "echo \"main $* | $VIGIL_EVENT $VIGIL_GROUP $VIGIL_STATE $VIGIL_DETAIL $VIGIL_LOCAL_NODE $HA_CURHOST $VIGIL_SEQ\" >> " + log);
        Path dir = Files.createDirectories(tmp.resolve("notify.d"));
        NotifyFixture.script(dir.resolve("20-second"), "echo \"second $1\" >> " + log);
        NotifyFixture.script(dir.resolve("10-first.sh"), "echo \"first $1\" >> " + log);
        NotifyFixture.script(dir.resolve("30-backup~"), "echo \"backup must not run\" >> " + log);
        NotifyFixture.script(dir.resolve("40-x.dpkg-old"), "echo \"dpkg leftover must not run\" >> " + log);
        Files.writeString(dir.resolve("50-not-executable"), "#!/bin/sh\necho no >> " + log + "\n");
        Path configDir = NotifyFixture.configDir(tmp, "vigil.notify-script=" + script + "\nvigil.notify-dir=" + dir
                + "\nvigil.notify-timeout=5s\n");
        ClusterConfig config = NotifyFixture.load(configDir);
        NotifySettings settings = NotifySettings.of(config);
        assertEquals(Duration.ofSeconds(5), settings.timeout());
        try (ScriptQueue queue = new ScriptQueue(8, settings.timeout(), (k, o) -> outcomes.add(k + " " + o))) {
            Notifier notifier = new Notifier(settings, queue);
            notifier.accept(event(7, EventType.GROUP_RUNNING, "192.0.2.253", "running"));
            notifier.accept(event(8, EventType.GROUP_STOPPING, "192.0.2.253", "stopping"));
            await(Duration.ofSeconds(20), () -> outcomes.size() == 6);
        }
        assertEquals(List.of(
                "main group-running linux1 192.0.2.253 running | group-running 192.0.2.253 running start ok linux1 linux1 7",
                "first group-running", "second group-running",
                "main group-stopping linux1 192.0.2.253 stopping | group-stopping 192.0.2.253 stopping start ok linux1 linux1 8",
                "first group-stopping", "second group-stopping"), Files.readAllLines(log));
        assertEquals(Collections.nCopies(6, "notify ok"), outcomes);
    }

    @Test
    void defaultDirectoryIsNotifyDotDUnderTheConfigDir(@TempDir Path tmp) throws Exception {
        Path configDir = NotifyFixture.configDir(tmp, null);
        NotifySettings settings = NotifySettings.of(NotifyFixture.load(configDir));
        assertEquals(configDir.resolve("notify.d"), settings.dir());
        assertTrue(settings.script().isEmpty());
        assertEquals(Duration.ofSeconds(30), settings.timeout());
        try (ScriptQueue queue = new ScriptQueue(8, settings.timeout(), (k, o) -> outcomes.add(k + " " + o))) {
            new Notifier(settings, queue).accept(event(1, EventType.GROUP_RUNNING, "g", "running"));
            Path log = tmp.resolve("late.log");
            NotifyFixture.script(configDir.resolve("notify.d/late"), "echo \"$VIGIL_EVENT\" >> " + log);
            new Notifier(settings, queue).accept(event(2, EventType.NODE_DEAD, "", "dead"));
            await(Duration.ofSeconds(20), () -> outcomes.size() == 1);
            assertEquals(List.of("node-dead"), Files.readAllLines(log), "a script added to notify.d runs without a restart");
        }
    }

    @Test
    void failureAndTimeoutAreCountedAndTheTreeKilled(@TempDir Path tmp) throws Exception {
        Path pidFile = tmp.resolve("sleeper.pid");
        Path hang = NotifyFixture.script(tmp.resolve("hang"), "sleep 300 & echo $! > " + pidFile + "; wait");
        Path fail = NotifyFixture.script(tmp.resolve("fail"), "echo 'mail relay unreachable' >&2; exit 3");
        try (ScriptQueue queue = new ScriptQueue(8, Duration.ofMillis(700), (k, o) -> outcomes.add(k + " " + o))) {
            queue.submit("notify", "test", () -> List.of(new ScriptQueue.Job("notify", "hang", List.of(hang.toString()), java.util.Map.of()),
                    new ScriptQueue.Job("notify", "fail", List.of(fail.toString()), java.util.Map.of())));
            await(Duration.ofSeconds(20), () -> outcomes.size() == 2);
        }
        assertEquals(List.of("notify timeout", "notify failed"), outcomes);
        long sleeper = Long.parseLong(Files.readString(pidFile).strip());
        await(Duration.ofSeconds(10), () -> ProcessHandle.of(sleeper).map(h -> !io.vigil.resource.ProcessRunner.isRunning(h)).orElse(true));
    }

    @Test
    void aFullQueueDropsNeverBlocks(@TempDir Path tmp) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ScriptQueue queue = new ScriptQueue(2, Duration.ofSeconds(5), (k, o) -> outcomes.add(k + " " + o))) {
            queue.submit("notify", "blocker", () -> {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return List.of();
            });
            Thread.sleep(200); // the worker took the blocker: the queue is empty again, 2 places
            long t0 = System.nanoTime();
            assertTrue(queue.submit("notify", "a", List::of));
            assertTrue(queue.submit("notify", "b", List::of));
            assertFalse(queue.submit("notify", "c", List::of), "third while the worker is busy: dropped");
            assertFalse(queue.submit("rc.d", "d", List::of));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "submit returned at once");
            assertEquals(2, queue.dropped());
            assertEquals(List.of("notify dropped", "rc.d dropped"), outcomes);
            release.countDown();
        }
    }

    @Test
    void packageLeftoversAndBackupsAreSkipped() {
        for (String name : List.of("mail", "10-chat.sh", "dns_update", "a.b.c")) {
            assertTrue(Notifier.runnable(name), name);
        }
        for (String name : List.of(".hidden", "mail~", "mail.bak", "mail.swp", "mail.dpkg-old", "mail.dpkg-dist",
                "mail.ucf-new", "mail.disabled")) {
            assertFalse(Notifier.runnable(name), name);
        }
    }
}
