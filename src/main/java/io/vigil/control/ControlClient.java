package io.vigil.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A one-request-per-connection HTTP/1.0 client for the control socket, on the JDK's Unix-domain sockets: the CLI
 * commands use it so they start no Vert.x listener and open no port.
 */
public final class ControlClient {

    /** The daemon's control socket is absent or nobody listens on it. */
    public static final class NotRunningException extends IOException {
        public NotRunningException(Path socket, Throwable cause) {
            super("vigil is not running (no control socket at " + socket + ")", cause);
        }
    }

    /** An HTTP answer; header names lower-cased. */
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Path socket;

    public ControlClient(Path socket) {
        this.socket = Objects.requireNonNull(socket, "socket");
    }

    public Path socket() {
        return socket;
    }

    public Response get(String pathAndQuery) throws IOException {
        return exchange("GET", pathAndQuery);
    }

    public Response post(String pathAndQuery) throws IOException {
        return exchange("POST", pathAndQuery);
    }

    private Response exchange(String method, String pathAndQuery) throws IOException {
        try (SocketChannel ch = connect()) {
            String request = method + " " + pathAndQuery + " HTTP/1.0\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n";
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(16384);
            while (ch.read(in) >= 0) {
                in.flip();
                received.write(in.array(), 0, in.limit());
                in.clear();
            }
            return parse(received.toByteArray());
        }
    }

    private SocketChannel connect() throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return ch;
        } catch (java.net.SocketException | java.nio.file.NoSuchFileException e) {
            ch.close();
            // ENOENT / ECONNREFUSED: no daemon. EACCES is not "not running": say so plainly.
            if (e.getMessage() != null && e.getMessage().contains("Permission denied")) {
                throw new IOException("Permission denied on the control socket " + socket
                        + ": run this command as root (or as the daemon's user)", e);
            }
            throw new NotRunningException(socket, e);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    static Response parse(byte[] raw) throws IOException {
        int headerEnd = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        if (headerEnd < 0) {
            throw new IOException("Truncated answer from the control socket (" + raw.length + " bytes, no header end)");
        }
        String[] lines = new String(raw, 0, headerEnd, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
            throw new IOException("Not an HTTP answer from the control socket: " + lines[0]);
        }
        int status;
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (NumberFormatException e) {
            throw new IOException("Bad HTTP status line from the control socket: " + lines[0], e);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        int bodyStart = headerEnd + 4;
        String length = headers.get("content-length");
        int bodyLength = raw.length - bodyStart;
        if (length != null) {
            bodyLength = Math.min(bodyLength, Integer.parseInt(length));
        }
        return new Response(status, headers, new String(raw, bodyStart, bodyLength, StandardCharsets.UTF_8));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
