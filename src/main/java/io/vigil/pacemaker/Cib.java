package io.vigil.pacemaker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration part of a Pacemaker CIB as the export builds it, before it is written as crm shell text, pcs
 * commands or CIB XML ({@link CrmWriter}, {@link PcsWriter}, {@link CibXmlWriter}). Ids are valid XML ids.
 *
 * @param properties       cluster options ({@code cib-bootstrap-options}), in order
 * @param resourceDefaults {@code rsc_defaults} meta attributes ({@code rsc-options}), in order
 * @param nodes            the cluster nodes with their Corosync node ids
 * @param groups           one group per haresources line, in file order
 * @param clones           cloned primitives (the ping clone)
 * @param fencing          stonith-class primitives
 * @param locations        location constraints
 */
public record Cib(Map<String, String> properties, Map<String, String> resourceDefaults, List<Node> nodes,
                  List<Group> groups, List<Clone> clones, List<Primitive> fencing, List<Location> locations) {

    public Cib {
        properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        resourceDefaults = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(resourceDefaults));
        nodes = List.copyOf(nodes);
        groups = List.copyOf(groups);
        clones = List.copyOf(clones);
        fencing = List.copyOf(fencing);
        locations = List.copyOf(locations);
    }

    /** A node of the {@code <nodes>} section; its id is the Corosync {@code nodeid}. */
    public record Node(int id, String name) {
    }

    /** One operation: {@code interval} 0s for start and stop. */
    public record Op(String name, String interval, String timeout) {
    }

    /**
     * A primitive resource.
     *
     * @param id       unique id
     * @param standard {@code ocf}, {@code lsb} or {@code stonith}
     * @param provider the OCF provider, empty otherwise
     * @param type     agent type ({@code IPaddr2}, {@code external/ssh}, an init script name)
     * @param params   instance attributes in order
     * @param ops      operations
     * @param origin   where it comes from ({@code haresources:3 IPaddr::192.0.2.10}), for comments
     */
    public record Primitive(String id, String standard, Optional<String> provider, String type,
                            Map<String, String> params, List<Op> ops, String origin) {
        public Primitive {
            params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
            ops = List.copyOf(ops);
        }

        /** {@code ocf:heartbeat:IPaddr2}, {@code lsb:name}, {@code stonith:external/ssh}. */
        public String agent() {
            return standard + ":" + provider.map(p -> p + ":").orElse("") + type;
        }
    }

    /** A group: members start in order and run on one node. */
    public record Group(String id, List<Primitive> members, String origin) {
        public Group {
            members = List.copyOf(members);
        }
    }

    /** A clone of one primitive (runs on every node). */
    public record Clone(String id, Primitive primitive) {
    }

    /** A location constraint. */
    public sealed interface Location permits Prefers, ScoreFromAttribute, ScoreIfPositive {
        String id();

        String resource();
    }

    /** {@code location ID RSC SCORE: NODE}; the score may be {@code -INFINITY}. */
    public record Prefers(String id, String resource, String node, String score) implements Location {
    }

    /** A rule whose score is the value of a node attribute where it is defined (the ping clone's {@code pingd}). */
    public record ScoreFromAttribute(String id, String resource, String attribute) implements Location {
    }

    /** A rule adding {@code score} where a node attribute is above 0 (a ping group: alive if any member answers). */
    public record ScoreIfPositive(String id, String resource, String score, String attribute) implements Location {
    }
}
