package io.cassmail.smtp;

/**
 * What one SMTP connection has established beyond SubEthaSMTP's own session: the greeting kind, TLS, the
 * authenticated user and failed AUTH attempts. Touched only by the session's own thread.
 */
final class SessionState {
    private boolean extended;
    private boolean tls;
    private String user;
    private int authFailures;
    private java.util.concurrent.CompletableFuture<String> blocklisted;

    SessionState(boolean tls) {
        this.tls = tls;
    }

    /** Whether the client's last greeting was EHLO (RFC 3848 protocol name in Received:). */
    boolean extended() {
        return extended;
    }

    void greeted(boolean extended) {
        this.extended = extended;
    }

    boolean tls() {
        return tls;
    }

    /** After STARTTLS the client must greet again and nothing learned before counts (RFC 3207 §4.2). */
    void tlsStarted() {
        tls = true;
        extended = false;
        user = null;
    }

    /** The authenticated account (RFC 4954), or null. */
    String user() {
        return user;
    }

    void authenticated(String user) {
        this.user = user;
    }

    /** The DNS blocklists' answer for this client, looked up once per connection: the refusal, or null. */
    String blocklisted(java.util.function.Supplier<java.util.concurrent.CompletableFuture<String>> lookup) {
        if (blocklisted == null) {
            blocklisted = lookup.get();
        }
        return blocklisted.join();
    }

    /** Counts a failed AUTH and returns how many this connection had. */
    int authFailed() {
        return ++authFailures;
    }
}
