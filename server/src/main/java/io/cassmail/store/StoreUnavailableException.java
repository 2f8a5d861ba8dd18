package io.cassmail.store;

/** Cassandra could not be reached or refused the request; callers answer with a temporary failure. */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
