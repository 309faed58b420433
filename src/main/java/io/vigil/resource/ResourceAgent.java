package io.vigil.resource;

import java.util.List;

/**
 * One resource of a group, bound to the agent that manages it: an LSB/Heartbeat script, an OCF agent or the built-in
 * IPaddr. Every method blocks (it runs processes) and must not be called on a Vert.x event loop.
 */
public sealed interface ResourceAgent permits ScriptAgent, IpAddrAgent, MissingAgent {

    /** The resource's canonical name, as Heartbeat logs it ({@code agent::arg1::arg2}). */
    String name();

    /** What runs it, for messages: the script path, {@code ocf:heartbeat:Dummy (path)}, {@code built-in IPaddr}. */
    String describe();

    OperationResult start();

    OperationResult stop();

    Status status();

    /** Problems that make the resource unusable (not found, bad argument, unknown OCF parameter); empty when fine. */
    List<String> validate();

    /**
     * True when {@link #start()} itself finds the resource already running and then does nothing (the built-in
     * IPaddr): the manager then skips its status probe before starting, which would ask the same question again.
     */
    default boolean startChecksRunning() {
        return false;
    }

    /** Re-sends gratuitous ARP / unsolicited NA where that means something (IP addresses); in the background. */
    default void announce() {
    }

    /**
     * A status probe's verdict.
     *
     * @param state    the conclusion
     * @param probe    the operation that was run
     * @param stdout   what it printed on stdout (Heartbeat judges on this)
     * @param warnings contradictions worth telling the script's author (e.g. prints "running" but exits 3)
     */
    record Status(ResourceState state, OperationResult probe, String stdout, List<String> warnings) {
        public Status {
            warnings = List.copyOf(warnings);
        }
    }
}
