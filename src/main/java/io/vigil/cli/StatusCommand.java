package io.vigil.cli;

import io.vertx.core.json.JsonObject;
import io.vigil.control.CommandOutput;
import io.vigil.control.ControlClient;
import io.vigil.control.StatusReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.concurrent.Callable;

/** `vigil status`: what the running daemon knows (nodes, links, groups, recent transitions). LSB exit codes. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the running daemon's view of the cluster: nodes, links, resource groups, recent transitions.",
                "Exit 0 when the daemon runs, 3 when it does not (LSB), 1 on other errors.",
                "With --watch: a live view redrawn as things change, until Ctrl-C (exit 0)."})
public class StatusCommand implements Callable<Integer> {

    /** LSB: "program is not running". */
    static final int NOT_RUNNING = 3;

    @Mixin
    RunDirOption runDir;

    @Option(names = "--json", description = "Print the daemon's status as JSON (all fields, all transitions).")
    boolean json;

    @Option(names = {"-w", "--watch"}, description = "Keep watching: redraw whenever something changes (keepalive chart"
            + " and timeline included, as on the status page), like crm_mon; Ctrl-C quits.")
    boolean watch;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (watch) {
            return io.vigil.live.StatusWatch.watch(runDir.socket(), out, err);
        }
        try {
            ControlClient.Response r = new ControlClient(runDir.socket()).get("/v1/status");
            JsonObject body = ControlCommands.parse(r);
            if (r.status() != 200) {
                return (body.containsKey("error") ? CommandOutput.error(body.getString("error"))
                        : CommandOutput.error("the daemon answered HTTP " + r.status() + ": " + r.body().strip())).printTo(out, err);
            }
            return CommandOutput.status(StatusReport.fromJson(body), json, ZoneId.systemDefault()).printTo(out, err);
        } catch (ControlClient.NotRunningException e) {
            err.println(e.getMessage());
            return NOT_RUNNING;
        } catch (IOException | IllegalArgumentException e) {
            err.println("vigil: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
