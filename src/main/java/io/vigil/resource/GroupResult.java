package io.vigil.resource;

import java.util.List;

/**
 * The outcome of starting or stopping one resource group.
 *
 * @param key        the group key (first resource of the haresources line)
 * @param success    true when the group ended in the requested state
 * @param operations every operation run, in order (status probes, starts, stops, retries, roll-back stops)
 */
public record GroupResult(String key, boolean success, List<OperationResult> operations) {

    public GroupResult {
        operations = List.copyOf(operations);
    }

    /** One line: {@code group 192.0.2.10: ok (3 operations, 1250 ms)} or the first failing operation. */
    public String summary() {
        long ms = operations.stream().mapToLong(o -> o.duration().toMillis()).sum();
        String counts = " (" + operations.size() + " operations, " + ms + " ms)";
        if (success) {
            return "group " + key + ": ok" + counts;
        }
        return operations.stream()
                .filter(o -> !o.ok() && !o.operation().equals("status") && !o.operation().equals("monitor"))
                .findFirst()
                .map(o -> "group " + key + ": FAILED at " + o.describe() + counts)
                .orElse("group " + key + ": FAILED" + counts);
    }
}
