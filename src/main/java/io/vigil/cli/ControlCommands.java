package io.vigil.cli;

import io.vertx.core.json.JsonObject;
import io.vigil.control.CommandOutput;
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
            JsonObject body = parse(client.post(pathAndQuery));
            return (body.containsKey("error") ? CommandOutput.error(body.getString("error"))
                    : CommandOutput.reply(body.getBoolean("ok", false), body.getString("message", ""))).printTo(out, err);
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
