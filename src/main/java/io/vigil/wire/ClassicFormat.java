package io.vigil.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Heartbeat's classic text encoding (reference §4.3): {@code >>>\n}, one {@code [(type)]name=value\n} line per field,
 * {@code <<<\n}. String values have {@code \n} replaced by byte 0x13; binary values are standard base64. Other field
 * types (struct, list, compressed) never appear in Heartbeat's control traffic: their bytes are written and read
 * as-is, with the same newline escaping, so a line stays a line.
 */
final class ClassicFormat {
    static final byte[] START = {'>', '>', '>', '\n'};
    static final byte[] END = {'<', '<', '<', '\n'};
    private static final byte ESCAPED_NEWLINE = 0x13;

    private ClassicFormat() {
    }

    /** The whole message with start and end lines (no trailing NUL). */
    static byte[] encode(Message m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(START);
        writeBody(out, m, false);
        out.writeBytes(END);
        return out.toByteArray();
    }

    /**
     * {@code msg2string_buf(msg, NOHEAD)} without the {@code auth} field: the bytes the inner {@code auth} HMAC covers.
     */
    static byte[] signedBody(Message m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        writeBody(out, m, true);
        return out.toByteArray();
    }

    private static void writeBody(ByteArrayOutputStream out, Message m, boolean skipAuth) {
        for (Message.Field f : m.fields()) {
            if (skipAuth && f.name().equals(Fields.AUTH)) {
                continue;
            }
            NetstringFormat.checkName(f.name());
            if (f.type() != Message.FieldType.STRING) {
                out.write('(');
                out.write('0' + f.type().code());
                out.write(')');
            }
            out.writeBytes(f.name().getBytes(StandardCharsets.ISO_8859_1));
            out.write('=');
            byte[] value = f.value();
            if (f.type() == Message.FieldType.BINARY) {
                out.writeBytes(Base64.getEncoder().encode(value));
            } else {
                for (byte b : value) {
                    out.write(b == '\n' ? ESCAPED_NEWLINE : b);
                }
            }
            out.write('\n');
        }
    }

    static boolean startsClassic(byte[] d, int off, int len) {
        return startsWith(d, off, len, START);
    }

    /**
     * Parses a classic packet ({@code string2msg_ll}): empty lines skipped, every other line must hold '=', the value
     * runs to the end of the line; after {@code <<<\n} only NUL padding may follow.
     */
    static Message parse(byte[] d, int off, int len) throws WireFormatException {
        int end = off + len;
        if (!startsClassic(d, off, len)) {
            throw WireFormatException.malformed("classic message must start with \">>>\\n\"");
        }
        Message m = new Message();
        int pos = off + START.length;
        while (true) {
            int nl = indexOf(d, (byte) '\n', pos, end);
            if (nl < 0) {
                throw WireFormatException.malformed("classic message has no \"<<<\" end line");
            }
            if (nl == pos) {
                pos++;
                continue;
            }
            if (nl - pos == 3 && d[pos] == '<' && d[pos + 1] == '<' && d[pos + 2] == '<') {
                pos = nl + 1;
                break;
            }
            m.add(parseLine(d, pos, nl));
            pos = nl + 1;
        }
        for (; pos < end; pos++) {
            if (d[pos] != 0) {
                throw WireFormatException.malformed("bytes after the \"<<<\" end line");
            }
        }
        return m;
    }

    private static Message.Field parseLine(byte[] d, int start, int nl) throws WireFormatException {
        int eq = indexOf(d, (byte) '=', start, nl);
        if (eq < 0) {
            throw WireFormatException.malformed("NV failure (string2msg_ll): line without '='");
        }
        Message.FieldType type = Message.FieldType.STRING;
        int nameStart = start;
        if (eq - start >= 3 && d[start] == '(' && d[start + 2] == ')' && d[start + 1] >= '0' && d[start + 1] <= '9') {
            type = Message.FieldType.ofCode(d[start + 1] - '0')
                    .orElseThrow(() -> WireFormatException.malformed("unknown field type (" + (char) d[start + 1] + ")"));
            nameStart = start + 3;
        }
        if (eq == nameStart) {
            throw WireFormatException.malformed("field with an empty name");
        }
        String name = new String(d, nameStart, eq - nameStart, StandardCharsets.ISO_8859_1);
        byte[] value;
        if (type == Message.FieldType.BINARY) {
            try {
                value = Base64.getDecoder().decode(Arrays.copyOfRange(d, eq + 1, nl));
            } catch (IllegalArgumentException e) {
                throw WireFormatException.malformed("binary field " + name + " is not base64");
            }
        } else {
            value = new byte[nl - eq - 1];
            for (int i = 0; i < value.length; i++) {
                byte b = d[eq + 1 + i];
                value[i] = b == ESCAPED_NEWLINE ? (byte) '\n' : b;
            }
        }
        return new Message.Field(name, type, value);
    }

    static boolean startsWith(byte[] d, int off, int len, byte[] prefix) {
        if (len < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (d[off + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] d, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (d[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
