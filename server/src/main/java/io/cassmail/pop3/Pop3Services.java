package io.cassmail.pop3;

import io.cassmail.auth.LoginPenalty;
import io.cassmail.auth.PasswordAuthenticator;
import io.cassmail.mailbox.Mailboxes;
import io.cassmail.store.MessageStore;
import io.cassmail.metrics.CassMailMetrics;
import io.cassmail.tls.ServerTls;
import java.net.InetAddress;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * What POP3 commands reach: the stores, the authenticator, the session limits, the TLS of STLS (null: not
 * offered) and whether USER/PASS may run without TLS: always with {@code allowPlaintext}, else only from a
 * {@code trustedNetwork} address (loopback; Dovecot's {@code disable_plaintext_auth} default); the maildrop locks and
 * snapshot budget shared by the process's POP3 listeners, how long one session may last in all, and one write.
 */
record Pop3Services(Mailboxes mailboxes, MessageStore messages,
                    PasswordAuthenticator authenticator, LoginPenalty penalty, Duration idleTimeout,
                    Duration authFailureDelay, int maxMessages, int maxAuthFailures, ServerTls startTls,
                    boolean allowPlaintext, Predicate<InetAddress> trustedNetwork, CassMailMetrics metrics,
                    String listener, Pop3Listener.Guards guards, Duration sessionTimeout,
                    Duration writeTimeout) {
}
