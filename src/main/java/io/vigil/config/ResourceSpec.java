package io.vigil.config;

import java.util.List;

/**
 * One resource of a haresources line, e.g. {@code IPaddr::192.0.2.253/24/eth0} → agent {@code IPaddr},
 * args {@code [192.0.2.253/24/eth0]}. A bare IPv4 token has already been rewritten to {@code IPaddr::<token>}.
 *
 * @param agent  script or built-in name (first {@code ::} component); for OCF agents {@code ocf:provider:type}
 * @param args   the remaining {@code ::} components, in order
 * @param token  the token as written in the file, for messages
 */
public record ResourceSpec(String agent, List<String> args, String token) {
    public ResourceSpec {
        args = List.copyOf(args);
    }

    /** The canonical form {@code agent::a1::a2}, as Heartbeat names a resource in its logs. */
    public String canonical() {
        return args.isEmpty() ? agent : agent + "::" + String.join("::", args);
    }
}
