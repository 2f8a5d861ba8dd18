package io.cassmail.pop3;

import io.cassmail.store.MailboxStore;
import io.cassmail.store.MessageRemover;
import io.cassmail.store.MessageStore;
import java.time.Duration;

/** What POP3 commands reach: the stores, the authenticator and the session limits. */
record Pop3Services(MailboxStore mailboxes, MessageStore messages, MessageRemover remover,
                    Authenticator authenticator, Duration idleTimeout, Duration authFailureDelay) {
}
