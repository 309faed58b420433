package io.vigil.migration;

/**
 * One line of the migration checklist.
 *
 * @param section  what it belongs to: {@code ha.cf}, {@code authkeys}, {@code haresources}, {@code scripts}, {@code commands}
 * @param subject  the directive line, resource, file or command, as the user wrote or types it
 * @param where    {@code file:line} for things from the user's files, else "" (commands)
 * @param verdict  same, different, not supported
 * @param note     for different / not supported: how, and what to do; for same: a short confirmation
 */
public record ChecklistItem(String section, String subject, String where, Verdict verdict, String note) {
}
