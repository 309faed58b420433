package io.vigil.pacemaker;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** Unique, valid CIB ids (XML ids: a letter or underscore first, then letters, digits, '.', '-', '_'). */
final class Ids {

    private static final int MAX = 48;
    private final Set<String> used = new HashSet<>();

    /** {@code wanted} made valid, with {@code -2}, {@code -3}… appended when it is taken already. */
    String unique(String wanted) {
        String base = valid(wanted);
        String id = base;
        for (int n = 2; !used.add(id.toLowerCase(Locale.ROOT)); n++) {
            id = base + "-" + n;
        }
        return id;
    }

    static String valid(String wanted) {
        String s = wanted.replaceAll("[^A-Za-z0-9_.-]+", "-").replaceAll("-{2,}", "-").replaceAll("^[-.]+|[-.]+$", "");
        if (s.length() > MAX) {
            s = s.substring(0, MAX).replaceAll("[-.]+$", "");
        }
        if (s.isEmpty() || !Character.isLetter(s.charAt(0)) && s.charAt(0) != '_') {
            s = "r-" + s;
        }
        return s;
    }
}
