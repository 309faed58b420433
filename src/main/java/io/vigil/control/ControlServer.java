package io.vigil.control;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vigil.failover.ResourceSet;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.URLEncoder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The local control API: HTTP/1.1 on a Unix-domain socket (mode 0600 in a 0700 directory when it creates it; group
 * access for queries per {@link ControlAccess}, checked on the caller's SO_PEERCRED), nobody on the network. Endpoints:
 * <pre>
 *   GET  /v1/status                         StatusReport as JSON
 *   POST /v1/standby?set=all|local|foreign|failback   (default all)
 *   POST /v1/takeover?set=…                 (default all)
 *   POST /v1/reload
 *   POST /v1/stop?keep=resources
 *   GET  /v1/reload-plan
 *   POST /v1/cleanup?group=KEY              (vigil resource cleanup: release a stop-failed group)
 *   GET  /v1/cl_status?arg=…&amp;arg=…&amp;pid=N  cl_status's stdout as the body; exit code in Vigil-Exit-Code,
 *                                           stderr (percent-encoded UTF-8) in Vigil-Stderr
 *   GET  /v1/live?after=V&amp;wait=MS          the live view (io.vigil.live.LiveFeed) once its version exceeds V, or
 *                                           after MS ms (at most 10 s): long polling for vigil status --watch
 *   GET  /v1/cli/status[?json=1][&amp;tz=ZONE]  what `vigil status [--json]` prints, rendered here ({@link CommandOutput});
 *   POST /v1/cli/standby?set=…, /v1/cli/takeover?set=…, /v1/cli/reload
 *                                           stdout as the body, exit code and stderr as for cl_status, for the shell
 *                                           relay deploy/bin/vigil-client; every answer under /v1/cli/ is so rendered
 * </pre>
 * Replies to POSTs are {@code {"ok":…,"message":…}} (200 when the daemon accepted, 409 when it refused);
 * errors are {@code {"error":…}} with 400 (bad parameter), 404 (no such endpoint), 405 (wrong method, with Allow),
 * 500 (the daemon failed to answer). Vert.x listens on the socket with Netty's native epoll transport
 * ({@code quarkus.vertx.prefer-native-transport=true}); {@link #start()} fails with a clear message without it.
 */
public final class ControlServer {

    private static final Logger LOG = Logger.getLogger(ControlServer.class);

    public static final String EXIT_CODE_HEADER = "Vigil-Exit-Code";
    public static final String STDERR_HEADER = "Vigil-Stderr";
    /** The endpoints whose answers are rendered as the operator command prints them. */
    static final String CLI = "/v1/cli/";

    private final Vertx vertx;
    private final Path socket;
    private final ControlHandler handler;
    private final ControlAccess access;
    private final io.vigil.live.LiveFeed live;
    private HttpServer server;

    public ControlServer(Vertx vertx, Path socket, ControlHandler handler) {
        this(vertx, socket, handler, ControlAccess.rootOnly(), null);
    }

    /**
     * @param access who may query and who may change (SO_PEERCRED checked on every request)
     * @param live   the live view served at {@code /v1/live}; null: no such endpoint
     */
    public ControlServer(Vertx vertx, Path socket, ControlHandler handler, ControlAccess access,
                         io.vigil.live.LiveFeed live) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.socket = Objects.requireNonNull(socket, "socket").toAbsolutePath();
        this.handler = Objects.requireNonNull(handler, "handler");
        this.access = Objects.requireNonNull(access, "access");
        this.live = live;
    }

    public Path socket() {
        return socket;
    }

    /**
     * Creates the socket's directory (0700) if missing, removes a stale socket left by a dead daemon (refusing to
     * touch one a live daemon still answers on, or anything that is not a socket), then binds the socket inside a
     * fresh 0700 directory, sets mode 0600 and only then renames it into place: the JDK cannot set the umask, and a
     * socket bound at its final path would be reachable with the umask's mode until the chmod.
     */
    public Future<Void> start() {
        if (!vertx.isNativeTransportEnabled()) {
            Throwable cause = vertx.unavailableNativeTransportCause();
            return Future.failedFuture(new IllegalStateException("Cannot open the control socket " + socket
                    + ": Vert.x runs without Netty's native epoll transport (" + (cause == null
                    ? "quarkus.vertx.prefer-native-transport is not true" : cause.toString())
                    + "). Set quarkus.vertx.prefer-native-transport=true and keep netty-transport-native-epoll"
                    + " (linux-x86_64) on the class path.", cause));
        }
        return vertx.<Path>executeBlocking(() -> {
            prepareSocketPath(socket);
            return Files.createTempDirectory(socket.getParent(), ".sock", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }, false).compose(staging -> {
            Path bound = staging.resolve("s");
            HttpServerOptions options = new HttpServerOptions()
                    .setIdleTimeout(30)
                    .setMaxInitialLineLength(8192)
                    .setMaxHeaderSize(8192);
            HttpServer s = vertx.createHttpServer(options).requestHandler(this::handle);
            return s.listen(SocketAddress.domainSocketAddress(bound.toString())).compose(listening -> {
                server = listening;
                return vertx.<Void>executeBlocking(() -> {
                    Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
                    Files.move(bound, socket, StandardCopyOption.ATOMIC_MOVE);
                    access.applyTo(socket); // queries for vigil.control.group members (root:haclient 0660)
                    LOG.debugf("control socket listening on %s", socket);
                    return null;
                }, false);
            }).eventually(() -> vertx.executeBlocking(() -> {
                Files.deleteIfExists(bound);
                Files.deleteIfExists(staging);
                return null;
            }, false));
        });
    }

    /** Closes the server and removes the socket file. */
    public Future<Void> stop() {
        HttpServer s = server;
        server = null;
        Future<Void> closed = s == null ? Future.succeededFuture() : s.close();
        return closed.eventually(() -> vertx.executeBlocking(() -> {
            Files.deleteIfExists(socket);
            return null;
        }, false));
    }

    static void prepareSocketPath(Path socket) throws IOException {
        Path dir = socket.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isSymbolicLink(socket) || Files.isRegularFile(socket, LinkOption.NOFOLLOW_LINKS)
                    || Files.isDirectory(socket, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(socket + " exists and is not a socket: remove it, or choose another --run-dir");
            }
            if (answers(socket)) {
                throw new IOException("Another daemon is listening on " + socket
                        + ": stop it first (or use another --run-dir)");
            }
            Files.delete(socket);
            LOG.infof("Removed stale control socket %s", socket);
        }
    }

    private static boolean answers(Path socket) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ---- request handling ----

    private void handle(HttpServerRequest req) {
        if (!permitted(req)) {
            return;
        }
        String path = req.path();
        if (path.startsWith(CLI)) {
            cli(req, path.substring(CLI.length()));
            return;
        }
        switch (path) {
            case "/v1/status" -> {
                if (method(req, HttpMethod.GET)) {
                    blocking(req, () -> json(req, 200, handler.status().toJson()));
                }
            }
            case "/v1/cl_status" -> {
                if (method(req, HttpMethod.GET)) {
                    clStatus(req);
                }
            }
            case "/v1/standby", "/v1/takeover" -> switchGroups(req, path.equals("/v1/standby"));
            case "/v1/cleanup" -> {
                if (method(req, HttpMethod.POST)) {
                    String group = req.getParam("group");
                    if (group == null || group.isBlank()) {
                        error(req, 400, "give the group: POST /v1/cleanup?group=KEY");
                    } else {
                        blocking(req, () -> reply(req, handler.cleanup(group)));
                    }
                }
            }
            case "/v1/reload" -> {
                if (method(req, HttpMethod.POST)) {
                    blocking(req, () -> reply(req, handler.reload()));
                }
            }
            case "/v1/stop" -> {
                if (method(req, HttpMethod.POST)) {
                    if ("resources".equals(req.getParam("keep"))) {
                        blocking(req, () -> {
                            Reply r = handler.stopKeepingResources();
                            reply(req, r).onComplete(written -> {
                                if (r.ok()) {
                                    handler.stopKeepingResourcesAnswered(); // the daemon exits once the answer is out
                                }
                            });
                        });
                    } else {
                        error(req, 400, "POST /v1/stop needs keep=resources (a stop that releases the groups is"
                                + " SIGTERM: systemctl stop vigil, heartbeat -k)");
                    }
                }
            }
            case "/v1/reload-plan" -> {
                if (method(req, HttpMethod.GET)) {
                    blocking(req, () -> reply(req, handler.reloadPlan()));
                }
            }
            case "/v1/live" -> {
                if (live != null && method(req, HttpMethod.GET)) {
                    live(req);
                } else if (live == null) {
                    error(req, 404, "No live view in this daemon");
                }
            }
            default -> error(req, 404, "No such endpoint: " + path
                    + " (known: GET /v1/status, GET /v1/cl_status, GET /v1/live, GET /v1/reload-plan, POST /v1/standby,"
                    + " POST /v1/takeover, POST /v1/reload, POST /v1/cleanup?group=KEY, POST /v1/stop?keep=resources,"
                    + " and under " + CLI + " status, standby, takeover, reload)");
        }
    }

    /** {@code vigil status|standby|takeover|reload} for the shell relay: the same requests, answered as text. */
    private void cli(HttpServerRequest req, String command) {
        switch (command) {
            case "status" -> {
                if (method(req, HttpMethod.GET)) {
                    boolean json = "1".equals(req.getParam("json"));
                    ZoneId zone = zone(req.getParam("tz"));
                    blocking(req, () -> text(req, CommandOutput.status(handler.status(), json, zone)));
                }
            }
            case "standby", "takeover" -> switchGroups(req, command.equals("standby"));
            case "reload" -> {
                if (method(req, HttpMethod.POST)) {
                    blocking(req, () -> reply(req, handler.reload()));
                }
            }
            default -> error(req, 404, "No such endpoint: " + req.path()
                    + " (known: GET /v1/cli/status, POST /v1/cli/standby, POST /v1/cli/takeover, POST /v1/cli/reload)");
        }
    }

    /**
     * The caller's time zone, as its JVM would take it from TZ: a zone ID, a leading ':' ignored; absent: the daemon's
     * own; not a zone the JDK knows: GMT, as the JVM falls back to.
     */
    static ZoneId zone(String tz) {
        if (tz == null || tz.isEmpty()) {
            return ZoneId.systemDefault();
        }
        try {
            return ZoneId.of(tz.startsWith(":") ? tz.substring(1) : tz);
        } catch (DateTimeException e) {
            return ZoneId.of("GMT");
        }
    }

    private void switchGroups(HttpServerRequest req, boolean standby) {
        if (method(req, HttpMethod.POST)) {
            Optional<ResourceSet> set = resourceSet(req);
            if (set.isPresent()) {
                blocking(req, () -> {
                    if (standby) {
                        LOG.infof("Going standby [%s].", set.get().wire());
                    }
                    reply(req, standby ? handler.standby(set.get()) : handler.takeover(set.get()));
                });
            }
        }
    }

    /** The caller's credentials decide (ControlAccess): queries for the control group, changes for root only. */
    private boolean permitted(HttpServerRequest req) {
        Optional<ControlAccess.Peer> peer = ControlAccess.peerOf(req.connection());
        ControlAccess.Level level = peer.map(access::levelOf).orElse(ControlAccess.Level.NONE);
        boolean change = !req.method().equals(HttpMethod.GET);
        if (level == ControlAccess.Level.CONTROL || (level == ControlAccess.Level.QUERY && !change)) {
            return true;
        }
        error(req, 403, peer.map(p -> access.refusal(p, level == ControlAccess.Level.QUERY))
                .orElse("permission denied: the caller's credentials cannot be read"));
        return false;
    }

    private boolean method(HttpServerRequest req, HttpMethod expected) {
        if (req.method().equals(expected)) {
            return true;
        }
        req.response().putHeader("Allow", expected.name());
        error(req, 405, req.method() + " is not allowed on " + req.path() + ": use " + expected.name());
        return false;
    }

    /** The {@code set} parameter: absent means all (hb_standby's default); failback means foreign. */
    private Optional<ResourceSet> resourceSet(HttpServerRequest req) {
        List<String> values = req.params().getAll("set");
        if (values.isEmpty()) {
            return Optional.of(ResourceSet.ALL);
        }
        Optional<ResourceSet> set = values.size() == 1 ? ResourceSet.parse(values.get(0)) : Optional.empty();
        if (set.isEmpty() || set.get() == ResourceSet.NONE) {
            error(req, 400, "wrong resources(" + String.join(",", values) + "): set must be one of all, local, foreign, failback");
            return Optional.empty();
        }
        return set;
    }

    private void clStatus(HttpServerRequest req) {
        MultiMap params = req.params();
        List<String> args = params.getAll("arg");
        long pid;
        try {
            pid = Long.parseLong(params.get("pid") == null ? "0" : params.get("pid"));
        } catch (NumberFormatException e) {
            error(req, 400, "pid must be a number, got \"" + params.get("pid") + "\"");
            return;
        }
        blocking(req, () -> text(req, ClStatus.run(handler.status(), args, pid, LocalDateTime.now())));
    }

    /** A command's output for a relay that prints it: stdout as the body, exit code and stderr in headers. */
    private static Future<Void> text(HttpServerRequest req, CommandOutput r) {
        req.response()
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .putHeader(EXIT_CODE_HEADER, Integer.toString(r.exitCode()));
        if (!r.stderr().isEmpty()) {
            req.response().putHeader(STDERR_HEADER, URLEncoder.encode(r.stderr(), StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return req.response().setStatusCode(200).end(r.stdout());
    }

    /** Longest wait of a /v1/live request: a worker thread is held that long at most. */
    static final long LIVE_MAX_WAIT_MS = 10_000;

    private void live(HttpServerRequest req) {
        long after;
        long wait;
        try {
            after = Long.parseLong(Objects.requireNonNullElse(req.getParam("after"), "-1"));
            wait = Math.min(LIVE_MAX_WAIT_MS, Math.max(0, Long.parseLong(Objects.requireNonNullElse(req.getParam("wait"), "0"))));
        } catch (NumberFormatException e) {
            error(req, 400, "after and wait must be numbers (the view version, milliseconds)");
            return;
        }
        blocking(req, () -> json(req, 200, live.awaitChange(after, wait)));
    }

    private interface Action {
        void run() throws Exception;
    }

    /** Runs the daemon call off the event loop; a failure becomes a 500 with its message. */
    private void blocking(HttpServerRequest req, Action action) {
        vertx.executeBlocking(() -> {
            action.run();
            return null;
        }, false).onFailure(e -> {
            LOG.errorf(e, "control request %s %s failed", req.method(), req.uri());
            if (!req.response().ended()) {
                error(req, 500, "The daemon could not answer: " + e);
            }
        });
    }

    private static Future<Void> reply(HttpServerRequest req, Reply r) {
        if (req.path().startsWith(CLI)) {
            return text(req, CommandOutput.reply(r.ok(), r.message()));
        }
        return json(req, r.ok() ? 200 : 409, new JsonObject().put("ok", r.ok()).put("message", r.message()));
    }

    private static void error(HttpServerRequest req, int status, String message) {
        if (req.path().startsWith(CLI)) {
            text(req, CommandOutput.error(message));
        } else {
            json(req, status, new JsonObject().put("error", message));
        }
    }

    private static Future<Void> json(HttpServerRequest req, int status, JsonObject body) {
        return req.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body.encodePrettily() + "\n");
    }
}
