package io.vigil.cli;

import io.vertx.core.json.JsonObject;
import io.vigil.control.ControlClient;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** What the operator commands share: one request to the daemon's control socket, its answer printed. */
final class ControlCommands {

    private ControlCommands() {
    }

    static String query(String name, String value) {
        return name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * POSTs to the daemon and prints its message: 0 when the daemon accepted, 1 when it refused, the daemon is not
     * running, or the request failed.
     */
    static int post(RunDirOption runDir, String pathAndQuery, PrintWriter out, PrintWriter err) {
        ControlClient client = new ControlClient(runDir.socket());
        try {
            ControlClient.Response r = client.post(pathAndQuery);
            JsonObject body = parse(r);
            if (body.containsKey("error")) {
                err.println("vigil: " + body.getString("error"));
                return 1;
            }
            boolean ok = body.getBoolean("ok", false);
            String message = body.getString("message", "");
            if (!message.isEmpty()) {
                (ok ? out : err).println(message);
            }
            return ok ? 0 : 1;
        } catch (IOException e) {
            err.println(e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    static JsonObject parse(ControlClient.Response r) throws IOException {
        try {
            return new JsonObject(r.body());
        } catch (RuntimeException e) {
            throw new IOException("Unreadable answer from the daemon (HTTP " + r.status() + "): " + r.body(), e);
        }
    }
}
