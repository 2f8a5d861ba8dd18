package io.cassmail.pop3;

import io.cassmail.auth.LoginPenalty;
import io.cassmail.auth.PasswordAuthenticator;
import io.cassmail.mailbox.MessageRemover;
import io.cassmail.store.MailboxStore;
import io.cassmail.store.MessageStore;
import java.time.Duration;

/** What POP3 commands reach: the stores, the authenticator and the session limits. */
record Pop3Services(MailboxStore mailboxes, MessageStore messages, MessageRemover remover,
                    PasswordAuthenticator authenticator, LoginPenalty penalty, Duration idleTimeout,
                    Duration authFailureDelay, int maxMessages, int maxAuthFailures) {
}
