package io.vigil.intake;

import io.vigil.transport.Inbound;
import io.vigil.wire.Decoded;
import io.vigil.wire.DropReason;
import io.vigil.wire.Message;
import io.vigil.wire.PacketCodec;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What happens to a datagram before the daemon sees it, on the transport's receive thread — never on the event loop
 * that sends keepalives: a source the port does not accept (ucast) is dropped; an untrusted source over its
 * {@link SourceBudget} is dropped unread; the rest is authenticated and decoded ({@link PacketCodec}, signature
 * first). Every drop is counted and reported with its reason and the sender's address; an authenticated message is
 * handed on, in arrival order, to {@code deliver} (which moves it onto the daemon's context), and its endpoint is
 * reported back to the transport ({@link Inbound#onAuthenticated()}), which then reads that peer on a socket of its
 * own. Thread-safe.
 */
public final class PacketIntake {

    /** An authenticated, well-formed message and where it came from. */
    public record Accepted(Message message, String link, InetSocketAddress sender) {
    }

    /** Where drops go: counted, and logged at a limited rate ({@code io.vigil.daemon.DaemonObserver#packetDropped}). */
    @FunctionalInterface
    public interface DropSink {
        void dropped(DropReason reason, String senderAddress, String detail);
    }

    private final PacketCodec codec;
    private final SourceBudget budget;
    private final DropSink drops;
    private final Consumer<Accepted> deliver;
    private final LongSupplier clockMs;

    public PacketIntake(PacketCodec codec, SourceBudget budget, DropSink drops, Consumer<Accepted> deliver, LongSupplier clockMs) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.budget = Objects.requireNonNull(budget, "budget");
        this.drops = Objects.requireNonNull(drops, "drops");
        this.deliver = Objects.requireNonNull(deliver, "deliver");
        this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
    }

    /**
     * The daemon's intake: an endpoint stays trusted for twice the deadtime after its last authenticated packet (a
     * minute at least), long enough to survive a burst of loss.
     */
    public static PacketIntake forDaemon(PacketCodec codec, long deadtimeMs, DropSink drops, Consumer<Accepted> deliver,
                                         LongSupplier clockMs) {
        return new PacketIntake(codec, new SourceBudget(Math.max(60_000, 2 * deadtimeMs)), drops, deliver, clockMs);
    }

    /** Called by the transport for every datagram from another host. */
    public void receive(Inbound in) {
        String address = in.sender().getAddress().getHostAddress();
        if (!in.listedSource()) {
            drops.dropped(DropReason.UNLISTED_SOURCE, address, "source " + address + " is not a ucast peer on this port"
                    + " (only ucast lines use it, and none names this address)");
            return;
        }
        long now = clockMs.getAsLong();
        if (!budget.admit(in.sender(), in.data().length, now)) {
            drops.dropped(DropReason.RATE_LIMITED, address, "unauthenticated traffic from " + address
                    + " over its budget (" + budget.describe() + "): dropped unread");
            return;
        }
        Decoded d = codec.decode(in.data());
        if (d instanceof Decoded.Rejected r) {
            drops.dropped(r.reason(), address, r.detail());
            return;
        }
        budget.authenticated(in.sender(), now);
        in.onAuthenticated().run(); // the transport gives the endpoint a socket of its own, out of a flood's reach
        deliver.accept(new Accepted(((Decoded.Accepted) d).message(), in.link(), in.sender()));
    }
}
