package io.vigil.testsupport;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What systemd does for {@code Type=notify} + {@code WatchdogSec=} + {@code WatchdogSignal=SIGKILL} +
 * {@code ExecStopPost=}, small enough to run inside a lab's network namespace (where no systemd runs):
 * <ol>
 *   <li>binds a notification socket and starts the service with {@code NOTIFY_SOCKET} and {@code WATCHDOG_USEC};</li>
 *   <li>records {@code READY=1} and every {@code WATCHDOG=1};</li>
 *   <li>once ready, a gap of more than {@code WATCHDOG_USEC} between pings kills the service's process tree with
 *       SIGKILL (systemd: the watchdog signal to the main process, then SIGKILL to what is left of the unit), then
 *       runs the stop-post command with {@code SERVICE_RESULT=watchdog};</li>
 *   <li>when the service exits by itself, runs the stop-post command with {@code SERVICE_RESULT=success} (exit 0 or
 *       143) or {@code exit-code}.</li>
 * </ol>
 * Usage: {@code WatchdogSupervisor <socket-path> <watchdog-ms> <log-file> <stop-post shell command> -- <command…>}.
 * Every event goes to the log file as {@code <epoch-ms> <EVENT> <detail>}.
 */
public final class WatchdogSupervisor {

    private WatchdogSupervisor() {
    }

    public static void main(String[] args) throws Exception {
        int dash = Arrays.asList(args).indexOf("--");
        if (dash != 4 || args.length < 6) {
            System.err.println("usage: WatchdogSupervisor <socket> <watchdog-ms> <log> <stop-post> -- <command...>");
            System.exit(2);
        }
        String socketPath = args[0];
        long watchdogMs = Long.parseLong(args[1]);
        Path log = Path.of(args[2]);
        String stopPost = args[3];
        List<String> command = List.of(args).subList(dash + 1, args.length);
        Files.deleteIfExists(Path.of(socketPath));
        try (NotifySocket socket = new NotifySocket(socketPath);
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                     StandardOpenOption.APPEND), true)) {
            ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
            pb.environment().put("NOTIFY_SOCKET", socketPath);
            pb.environment().put("WATCHDOG_USEC", Long.toString(watchdogMs * 1000));
            Process service = pb.start();
            event(out, "STARTED", "pid " + service.pid() + " watchdog " + watchdogMs + " ms: " + String.join(" ", command));
            boolean ready = false;
            long lastPing = 0;
            long pings = 0;
            long longestGap = 0;
            while (true) {
                Optional<String> msg = socket.receive(20);
                long now = System.currentTimeMillis();
                if (msg.isPresent()) {
                    for (String line : msg.get().split("\n")) {
                        if (line.equals("READY=1")) {
                            ready = true;
                            lastPing = now;
                            event(out, "READY", "");
                        } else if (line.equals("WATCHDOG=1")) {
                            if (lastPing > 0) {
                                longestGap = Math.max(longestGap, now - lastPing);
                            }
                            lastPing = now;
                            pings++;
                        } else if (line.equals("STOPPING=1")) {
                            event(out, "STOPPING", "after " + pings + " pings, longest gap " + longestGap + " ms");
                        }
                    }
                }
                if (!service.isAlive()) {
                    int rc = service.exitValue();
                    event(out, "EXITED", "exit " + rc + " after " + pings + " pings, longest gap " + longestGap + " ms");
                    stopPost(out, stopPost, rc == 0 || rc == 143 ? "success" : "exit-code");
                    return;
                }
                if (ready && now - lastPing > watchdogMs) {
                    List<ProcessHandle> tree = new ArrayList<>(service.descendants().toList());
                    event(out, "WATCHDOG-TIMEOUT", "no ping for " + (now - lastPing) + " ms (" + pings
                            + " pings before, longest gap " + longestGap + " ms): SIGKILL to pid " + service.pid()
                            + " and " + tree.size() + " descendants");
                    service.destroyForcibly();
                    tree.forEach(ProcessHandle::destroyForcibly);
                    service.waitFor();
                    event(out, "KILLED", "");
                    stopPost(out, stopPost, "watchdog");
                    return;
                }
            }
        }
    }

    private static void stopPost(PrintWriter out, String command, String result) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true);
        pb.environment().put("SERVICE_RESULT", result);
        long t0 = System.currentTimeMillis();
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        event(out, "STOP-POST", "SERVICE_RESULT=" + result + " exit " + rc + " in " + (System.currentTimeMillis() - t0)
                + " ms: " + output.strip().replace('\n', '|'));
    }

    private static void event(PrintWriter out, String what, String detail) {
        out.println(System.currentTimeMillis() + " " + what + " " + detail);
    }
}
