package io.vigil.failover.transcript;

import java.util.ArrayList;
import java.util.List;

/** Words of a transcript line: separated by spaces; {@code "..."} (with {@code \"} and {@code \\}) keeps spaces. */
final class Tokens {

    private Tokens() {
    }

    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < line.length()) {
                    cur.append(line.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                inWord = true;
            } else if (c == ' ') {
                if (inWord) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quote in: " + line);
        }
        if (inWord) {
            out.add(cur.toString());
        }
        return out;
    }

    /** A value as written back: bare when it is a plain word, else quoted. */
    static String quote(String v) {
        boolean plain = !v.isEmpty();
        for (int i = 0; i < v.length() && plain; i++) {
            char c = v.charAt(i);
            plain = c > ' ' && c < 0x7f && c != '"' && c != '\\';
        }
        if (plain) {
            return v;
        }
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < ' ' || c >= 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** Bytes as one printable line: {@code \n}, {@code \\} and {@code \xNN} for the rest. */
    static String bytes(byte[] data) {
        StringBuilder b = new StringBuilder();
        for (byte x : data) {
            int c = x & 0xff;
            if (c == '\n') {
                b.append("\\n");
            } else if (c == '\\') {
                b.append("\\\\");
            } else if (c >= ' ' && c < 0x7f) {
                b.append((char) c);
            } else {
                b.append(String.format("\\x%02x", c));
            }
        }
        return b.toString();
    }
}
