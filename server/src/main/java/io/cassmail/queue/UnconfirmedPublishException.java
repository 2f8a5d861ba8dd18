package io.cassmail.queue;

import java.io.IOException;

/**
 * The job was handed to the broker but no confirm came back (timeout, or the channel closed while waiting):
 * it may or may not be queued. Callers must treat it as possibly queued: never remove what the job needs.
 */
public final class UnconfirmedPublishException extends IOException {
    public UnconfirmedPublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
