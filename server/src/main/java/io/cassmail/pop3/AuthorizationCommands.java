package io.cassmail.pop3;

import io.cassmail.auth.LoginPenalty;
import io.cassmail.auth.SaslServer;
import io.cassmail.net.SessionLocks;
import io.cassmail.mailbox.FolderNames;
import io.cassmail.mailbox.FolderSnapshot;
import io.cassmail.mailbox.MailboxException;
import io.cassmail.store.StoreUnavailableException;
import java.io.IOException;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * USER and PASS (RFC 1939 §7), AUTH (RFC 5034, PLAIN and LOGIN through the shared SASL layer), QUIT in either
 * state (§5, §6), CAPA (RFC 2449 §5) and STLS (RFC 2595 §4).
 */
final class AuthorizationCommands {
    private static final Logger log = LoggerFactory.getLogger(AuthorizationCommands.class);

    static final String PLAINTEXT_REFUSED =
            "[AUTH] Plaintext authentication disallowed on non-secure connections; use STLS or POP3S first";

    private AuthorizationCommands() {
    }

    /** USER name. */
    static final class User implements Pop3Command {
        @Override
        public Pop3Session.State state() {
            return Pop3Session.State.AUTHORIZATION;
        }

        @Override
        public void execute(Pop3Session s, String argument) throws IOException {
            if (!s.plaintextLoginAllowed()) {
                s.err(PLAINTEXT_REFUSED);
                return;
            }
            if (argument.isBlank()) {
                s.err("USER needs a name");
                return;
            }
            s.pendingUser(argument.strip());
            s.ok("Send PASS");
        }
    }

    /** PASS secret: a failed login is delayed and logged, and does not say whether the user exists. */
    static final class Pass implements Pop3Command {
        @Override
        public Pop3Session.State state() {
            return Pop3Session.State.AUTHORIZATION;
        }

        @Override
        public void execute(Pop3Session s, String argument) throws IOException {
            if (!s.plaintextLoginAllowed()) {
                s.err(PLAINTEXT_REFUSED);
                return;
            }
            String user = s.pendingUser();
            if (user == null) {
                s.err("Send USER first");
                return;
            }
            s.pendingUser(null);
            login(s, user, argument);
        }
    }

    /**
     * Checks a user name and password (from PASS or AUTH) against the failed-login budget and the accounts, and on
     * success opens the maildrop: the account's lock, then its snapshot (RFC 1939 §7, RFC 5034 §4).
     */
    static void login(Pop3Session s, String user, String password) throws IOException {
        {
            LoginPenalty penalty = s.services().penalty();
            if (!penalty.allows(s.clientAddress())) {
                log.warn("pop3 {}: login refused, too many failed logins from {}", s.id(), s.clientAddress().getHostAddress());
                s.err("[AUTH] Too many failed logins from " + s.clientAddress().getHostAddress() + ", try again in "
                        + penalty.secondsLeft(s.clientAddress()) + " s");
                s.quit();
                return;
            }
            Optional<String> address = s.services().authenticator().authenticate(user, password);
            s.services().metrics().pop3Login(s.services().listener(), address.isPresent());
            if (address.isEmpty()) {
                penalty.failed(s.clientAddress());
                int failures = s.authFailed();
                log.warn("pop3 {}: failed login {} for '{}' from {}", s.id(), failures, user.replaceAll("[^\\x21-\\x7e]", "?"),
                        s.clientAddress().getHostAddress());
                try {
                    Thread.sleep(s.services().authFailureDelay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (failures >= s.services().maxAuthFailures()) {
                    s.err("[AUTH] Invalid user name or password; " + failures + " failures, closing the connection");
                    s.quit();
                } else {
                    s.err("[AUTH] Invalid user name or password");
                }
                return;
            }
            penalty.succeeded(s.clientAddress());
            Optional<SessionLocks.Held> lock;
            try {
                lock = s.services().guards().locks().tryLock(address.get());
            } catch (IOException e) {
                s.err("[SYS/TEMP] The maildrop cannot be locked now, try again shortly");
                return;
            }
            if (lock.isEmpty()) {
                log.info("pop3 {}: {} refused, another session of the account is open", s.id(), address.get());
                s.err("[IN-USE] Another POP3 session of " + address.get() + " is open; one at a time (RFC 1939 §8),"
                        + " try again when it ends");
                return;
            }
            Maildrop drop;
            long bytes;
            try {
                drop = new Maildrop(s.services().mailboxes().reader().folder(address.get(), FolderNames.INBOX)
                        .map(inbox -> FolderSnapshot.of(s.services().mailboxes().reader().entries(inbox, 1),
                                s.services().maxMessages()))
                        .orElse(FolderSnapshot.EMPTY));
                bytes = Maildrop.SNAPSHOT_OVERHEAD + (long) drop.size() * Maildrop.BYTES_PER_MESSAGE;
            } catch (RuntimeException e) {
                lock.get().close();
                throw e;
            }
            if (!s.services().guards().snapshots().tryReserve(bytes)) {
                lock.get().close();
                log.warn("pop3 {}: {} refused, the snapshot budget of {} bytes is spent", s.id(), address.get(),
                        s.services().guards().snapshots().limit());
                s.err("[SYS/TEMP] The server is holding too many mailbox listings right now, try again in a minute");
                return;
            }
            s.loggedIn(address.get(), drop, lock.get(), bytes);
            log.info("pop3 {}: {} logged in, {} messages{}", s.id(), address.get(), drop.size(),
                    drop.truncated() ? " (the oldest of more)" : "");
            s.ok("Logged in, " + drop.liveCount() + " messages (" + drop.liveOctets() + " octets)"
                    + (drop.truncated() ? "; showing the oldest " + drop.size() + ", delete some to see the rest" : ""));
        }
    }

    /** QUIT: in TRANSACTION it enters UPDATE and removes the messages marked deleted (RFC 1939 §6). */
    static final class Quit implements Pop3Command {
        @Override
        public Pop3Session.State state() {
            return null;
        }

        @Override
        public void execute(Pop3Session s, String argument) throws IOException {
            if (s.state() == Pop3Session.State.TRANSACTION) {
                // UPDATE state (RFC 1939 §6): only now do DELE marks take effect
                BitSet deleted = s.maildrop().deleted();
                List<Long> uids = new java.util.ArrayList<>();
                for (int i = deleted.nextSetBit(0); i >= 0; i = deleted.nextSetBit(i + 1)) {
                    uids.add(s.maildrop().snapshot().uid(i));
                }
                s.quit(); // whatever happens below, the session ends (RFC 1939 §6)
                try {
                    if (!uids.isEmpty()) {
                        s.services().mailboxes().writer().expunge(s.address(), FolderNames.INBOX, uids);
                    }
                } catch (StoreUnavailableException | MailboxException e) {
                    log.warn("pop3 {}: UPDATE failed for {}: {}", s.id(), s.address(), e.getMessage());
                    s.releaseMaildrop();
                    s.err("[SYS/TEMP] Some deleted messages were not removed; they will be listed again next time");
                    return;
                }
                s.releaseMaildrop(); // before the reply: a client that logs in again at once finds the account free
                s.ok("CassMail POP3 server signing off (" + deleted.cardinality() + " messages deleted)");
            } else {
                s.ok("CassMail POP3 server signing off");
            }
            s.quit();
        }
    }

    /** AUTH mechanism [initial-response] (RFC 5034): the SASL exchange with "+ " challenges, then as PASS. */
    static final class Auth implements Pop3Command {
        @Override
        public Pop3Session.State state() {
            return Pop3Session.State.AUTHORIZATION;
        }

        @Override
        public void execute(Pop3Session s, String argument) throws IOException {
            if (!s.plaintextLoginAllowed()) {
                s.err(PLAINTEXT_REFUSED);
                return;
            }
            String[] args = argument.strip().isEmpty() ? new String[0] : argument.strip().split(" +");
            if (args.length == 0) {
                // the listing of RFC 1734's successors: clients that send a bare AUTH get the mechanisms
                s.ok("Mechanisms follow");
                SaslServer.MECHANISMS.forEach(m -> {
                    try {
                        s.write(m);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                s.write(".");
                return;
            }
            if (args.length > 2) {
                s.err("Syntax: AUTH mechanism [initial-response]");
                return;
            }
            Optional<SaslServer> sasl = SaslServer.start(args[0]);
            if (sasl.isEmpty()) {
                s.err("Unsupported authentication mechanism; this server offers "
                        + String.join(" ", SaslServer.MECHANISMS));
                return;
            }
            SaslServer.Step step = sasl.get().begin(args.length == 2 ? args[1] : null);
            while (step instanceof SaslServer.Challenge c) {
                s.write("+ " + c.base64());
                String line = s.exchangeLine();
                if (line == null) {
                    s.quit();
                    return;
                }
                step = sasl.get().respond(line);
            }
            if (step instanceof SaslServer.Credentials c) {
                login(s, c.user(), c.password());
                return;
            }
            s.err(switch (((SaslServer.Refused) step).reason()) {
                case CANCELLED -> "Authentication cancelled";
                case NOT_BASE64 -> "Cannot decode the response: it is not base64";
                case MALFORMED -> "Malformed PLAIN response (expected authzid NUL user NUL password)";
                case OTHER_AUTHZID -> "[AUTH] Acting for another user is not allowed";
            });
        }
    }

    /** CAPA (RFC 2449 §5). */
    static final class Capa implements Pop3Command {
        @Override
        public Pop3Session.State state() {
            return null;
        }

        @Override
        public void execute(Pop3Session s, String argument) throws IOException {
            s.ok("Capability list follows");
            List<String> caps = new java.util.ArrayList<>(List.of("TOP", "UIDL"));
            if (s.plaintextLoginAllowed()) {
                caps.add("USER");
                caps.add("SASL " + String.join(" ", SaslServer.MECHANISMS));
            }
            if (s.services().startTls() != null && !s.secure() && s.state() == Pop3Session.State.AUTHORIZATION) {
                caps.add("STLS");
            }
            caps.addAll(List.of("RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "IMPLEMENTATION CassMail"));
            for (String cap : caps) {
                s.write(cap);
            }
            s.write(".");
        }
    }

    /** STLS (RFC 2595 §4): only in AUTHORIZATION, only once, only where the server has a certificate. */
    static final class Stls implements Pop3Command {
        @Override
        public Pop3Session.State state() {
            return Pop3Session.State.AUTHORIZATION;
        }

        @Override
        public void execute(Pop3Session s, String argument) throws IOException {
            if (s.secure()) {
                s.err("Command not permitted when TLS active");
                return;
            }
            if (s.services().startTls() == null) {
                s.err("STLS is not offered here");
                return;
            }
            s.ok("Begin TLS negotiation");
            s.startTls();
        }
    }
}
