package io.vigil.node;

import io.vigil.failover.FailoverSettings;
import io.vigil.membership.MembershipSettings;

/**
 * What one node's core needs from its configuration.
 *
 * @param maxRexmitDelayMs ha.cf {@code max_rexmit_delay}: how long we wait before asking for a missing packet
 */
public record NodeSettings(MembershipSettings membership, FailoverSettings failover, long maxRexmitDelayMs) {
}
