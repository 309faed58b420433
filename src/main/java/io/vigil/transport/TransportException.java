package io.vigil.transport;

/** A medium cannot be set up (missing interface, address, port in use, ...); the message names the ha.cf line. */
public final class TransportException extends RuntimeException {

    public TransportException(String message) {
        super(message);
    }

    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
