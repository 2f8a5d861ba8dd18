package io.cassmail.imap;

import io.cassmail.auth.LoginPenalty;
import io.cassmail.auth.PasswordAuthenticator;
import io.cassmail.config.CassMailConfig;
import io.cassmail.mailbox.MailboxEvents;
import io.cassmail.mailbox.Mailboxes;
import io.cassmail.mailbox.Quotas;
import io.cassmail.metrics.CassMailMetrics;
import io.cassmail.store.MessageStore;
import io.cassmail.tls.ServerTls;
import java.net.InetAddress;
import java.util.function.Predicate;

/**
 * What IMAP commands reach: the mailbox model, the bodies, the authenticator and failed-login budget, the limits,
 * the TLS of STARTTLS (null: not offered), which addresses may log in before TLS, the change notices and the
 * per-account session count this front end keeps, and the memory budget of every selected folder of the process.
 */
record ImapServices(CassMailConfig.ImapConfig config, Mailboxes mailboxes, MessageStore messages,
                    io.cassmail.store.AcceptedWrites writes, Quotas quotas,
                    PasswordAuthenticator authenticator, LoginPenalty penalty, ServerTls startTls,
                    Predicate<InetAddress> trustedNetwork, MailboxEvents events, CassMailMetrics metrics,
                    String listener, AccountSessions accounts, io.cassmail.net.MemoryBudget selections) {
}
