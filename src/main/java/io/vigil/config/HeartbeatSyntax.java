package io.vigil.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Heartbeat's lexical rules for ha.cf values: time (cl_get_msec), booleans (cl_str_to_boolean), token splitting. */
public final class HeartbeatSyntax {

    /** ha.cf whitespace (heartbeat.h WHITESPACE). */
    public static final String WHITESPACE = " \t\n\r\f";
    /** Option directives split on whitespace and comma (heartbeat.h DELIMS). */
    public static final String DELIMS = ", \t\n\r\f";

    private HeartbeatSyntax() {
    }

    /**
     * Heartbeat's time syntax: a number (digits and dots) in seconds, or with a unit starting with {@code ms}
     * (milliseconds) or {@code us} (microseconds). Returns -1 for anything else ({@code 2s}, {@code abc}).
     */
    public static long parseMsec(String text) {
        String s = stripLeading(text);
        int end = 0;
        while (end < s.length() && (Character.isDigit(s.charAt(end)) || s.charAt(end) == '.')) {
            end++;
        }
        String number = s.substring(0, end);
        if (number.chars().noneMatch(Character::isDigit)) {
            return -1;
        }
        double value;
        try {
            value = Double.parseDouble(leadingDecimal(number));
        } catch (NumberFormatException e) {
            return -1;
        }
        String unit = stripLeading(s.substring(end));
        if (unit.isEmpty()) {
            return (long) (value * 1000 + 0.5);
        } else if (unit.startsWith("ms")) {
            return (long) (value + 0.5);
        } else if (unit.startsWith("us")) {
            return (long) (value / 1000 + 0.5);
        }
        return -1;
    }

    /** atof reads "1.5.3" as 1.5: keep the part up to the second dot. */
    private static String leadingDecimal(String number) {
        int first = number.indexOf('.');
        int second = first < 0 ? -1 : number.indexOf('.', first + 1);
        String n = second < 0 ? number : number.substring(0, second);
        return n.endsWith(".") ? n + "0" : n.startsWith(".") ? "0" + n : n;
    }

    /** Heartbeat's booleans: true/on/yes/y/1 and false/off/no/n/0, any case; empty for anything else. */
    public static Optional<Boolean> parseBoolean(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "y", "1" -> Optional.of(true);
            case "false", "off", "no", "n", "0" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    /** Splits on any of {@code delimiters}, dropping empty tokens (strtok semantics). */
    public static List<String> split(String text, String delimiters) {
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (delimiters.indexOf(c) >= 0) {
                if (current.length() > 0) {
                    tokens.add(current.toString());
                    current.setLength(0);
                }
            } else {
                current.append(c);
            }
        }
        if (current.length() > 0) {
            tokens.add(current.toString());
        }
        return tokens;
    }

    public static String stripLeading(String s) {
        int i = 0;
        while (i < s.length() && WHITESPACE.indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        return s.substring(i);
    }

    /** A millisecond value as check-config prints it: {@code 1000 ms}. */
    public static String formatMs(long ms) {
        return ms + " ms";
    }
}
