package io.cassmail.imap;

import io.cassmail.auth.LoginPenalty;
import io.cassmail.auth.SaslServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The commands of any state and of login (RFC 9051 §6.1, §6.2), one class each. */
final class SessionCommands {
    static final Set<ImapSession.State> ANY = EnumSet.of(ImapSession.State.NOT_AUTHENTICATED,
            ImapSession.State.AUTHENTICATED, ImapSession.State.SELECTED);
    static final Set<ImapSession.State> LOGIN = EnumSet.of(ImapSession.State.NOT_AUTHENTICATED);
    static final Set<ImapSession.State> AUTHENTICATED = EnumSet.of(ImapSession.State.AUTHENTICATED,
            ImapSession.State.SELECTED);
    static final Set<ImapSession.State> SELECTED = EnumSet.of(ImapSession.State.SELECTED);

    private SessionCommands() {
    }

    /** CAPABILITY (§6.1.1). */
    static final class Capability implements ImapCommand {
        @Override
        public Set<ImapSession.State> states() {
            return ANY;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException {
            args.end();
            s.untagged("CAPABILITY " + Capabilities.list(s));
            s.ok(tag, null, "CAPABILITY completed");
        }
    }

    /** NOOP (§6.1.2) and CHECK (RFC 3501 §6.4.1): read the selected folder again and report. */
    static final class Noop implements ImapCommand {
        @Override
        public Set<ImapSession.State> states() {
            return ANY;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException {
            args.end();
            s.updatesForced();
            s.tagged(tag, "OK", null, "NOOP completed");
        }
    }

    /** LOGOUT (§6.1.3). */
    static final class Logout implements ImapCommand {
        @Override
        public Set<ImapSession.State> states() {
            return ANY;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException {
            args.end();
            s.untagged("BYE CassMail IMAP server signing off");
            s.tagged(tag, "OK", null, "LOGOUT completed");
            s.logout();
        }
    }

    /** ID (RFC 2971): the client's identity is logged; the server names itself. */
    static final class Id implements ImapCommand {
        @Override
        public Set<ImapSession.State> states() {
            return ANY;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args)
                throws IOException, ImapSyntaxException {
            args.sp();
            StringBuilder client = new StringBuilder();
            if (args.peek() == '(') {
                args.open();
                int n = 0;
                while (!args.close()) {
                    if (n++ > 0) {
                        args.sp();
                    }
                    String v = args.nstring();
                    if (n <= 60 && v != null) {
                        client.append(n % 2 == 1 ? " " : "=").append(v.length() > 100 ? v.substring(0, 100) : v);
                    }
                }
            } else {
                args.nstring();
            }
            args.end();
            org.slf4j.LoggerFactory.getLogger(SessionCommands.class).debug("imap {}: client ID{}", s.id(), client);
            s.untagged("ID (\"name\" \"CassMail\" \"vendor\" \"CassMail\" \"support-url\" \"https://github.com/cassmail\")");
            s.ok(tag, null, "ID completed");
        }
    }

    /** ENABLE (RFC 5161): CONDSTORE, UTF8=ACCEPT and IMAP4rev2; anything else is ignored, as the RFC says. */
    static final class Enable implements ImapCommand {
        @Override
        public Set<ImapSession.State> states() {
            return AUTHENTICATED;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException {
            StringBuilder done = new StringBuilder();
            do {
                args.sp();
                String cap = args.atom().toUpperCase(Locale.ROOT);
                if (Set.of("CONDSTORE", "QRESYNC", "UTF8=ACCEPT", "IMAP4REV2").contains(cap) && Capabilities.on(s, cap)
                        && s.enabled().add(cap)) {
                    done.append(' ').append(cap.equals("IMAP4REV2") ? "IMAP4rev2" : cap);
                    if (cap.equals("UTF8=ACCEPT")) {
                        s.out().utf8(true);
                    }
                }
            } while (!args.atEnd());
            s.untagged("ENABLED" + done);
            s.ok(tag, null, "ENABLE completed");
        }
    }

    /** STARTTLS (§6.2.1). */
    static final class StartTls implements ImapCommand {
        @Override
        public Set<ImapSession.State> states() {
            return LOGIN;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException, ImapNo {
            args.end();
            if (s.secure() || s.services().startTls() == null) {
                throw new ImapNo(null, s.secure() ? "TLS is already active" : "STARTTLS is not offered here");
            }
            s.tagged(tag, "OK", null, "Begin TLS negotiation now");
            s.startTls();
        }
    }

    /** LOGIN (§6.2.3). */
    static final class Login implements ImapCommand {
        @Override
        public Set<ImapSession.State> states() {
            return LOGIN;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException, ImapNo {
            args.sp();
            String user = args.astring();
            args.sp();
            String password = args.astring();
            args.end();
            if (!s.plaintextLoginAllowed()) {
                throw new ImapNo("PRIVACYREQUIRED", "Use STARTTLS or port 993 before logging in");
            }
            login(s, tag, user, password);
        }
    }

    /** AUTHENTICATE (§6.2.2) with SASL-IR (RFC 4959). */
    static final class Authenticate implements ImapCommand {
        @Override
        public Set<ImapSession.State> states() {
            return LOGIN;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException, ImapNo {
            args.sp();
            String mechanism = args.atom();
            String initial = null;
            if (!args.atEnd()) {
                args.sp();
                initial = args.atom("=");
            }
            args.end();
            if (!s.plaintextLoginAllowed()) {
                throw new ImapNo("PRIVACYREQUIRED", "Use STARTTLS or port 993 before logging in");
            }
            Optional<SaslServer> sasl = SaslServer.start(mechanism);
            if (sasl.isEmpty()) {
                throw new ImapNo("CANNOT", "Unsupported mechanism; this server offers " + String.join(" ",
                        SaslServer.MECHANISMS));
            }
            SaslServer.Step step = sasl.get().begin(initial);
            while (step instanceof SaslServer.Challenge c) {
                s.out().raw("+ " + c.base64()).crlf();
                byte[] line = s.exchangeLine();
                if (line == null) {
                    s.logout();
                    return;
                }
                step = sasl.get().respond(new String(line, StandardCharsets.US_ASCII));
            }
            if (step instanceof SaslServer.Credentials c) {
                login(s, tag, c.user(), c.password());
                return;
            }
            SaslServer.Reason reason = ((SaslServer.Refused) step).reason();
            if (reason == SaslServer.Reason.CANCELLED) {
                s.tagged(tag, "BAD", null, "Authentication cancelled");
                return;
            }
            throw new ImapNo("AUTHENTICATIONFAILED", switch (reason) {
                case NOT_BASE64 -> "Cannot decode the response: it is not base64";
                case MALFORMED -> "Malformed PLAIN response";
                default -> "Acting for another user is not allowed";
            });
        }
    }

    /** Checks the password within the shared failed-login budget; a failure waits before its NO. */
    static void login(ImapSession s, String tag, String user, String password) throws IOException, ImapNo {
        LoginPenalty penalty = s.services().penalty();
        if (!penalty.allows(s.clientAddress())) {
            throw new ImapNo("UNAVAILABLE", "Too many failed logins from your address; try again in "
                    + penalty.secondsLeft(s.clientAddress()) + " s");
        }
        Optional<String> address = s.services().authenticator().authenticate(user, password);
        s.services().metrics().imapLogin(s.services().listener(), address.isPresent());
        if (address.isEmpty()) {
            penalty.failed(s.clientAddress());
            int failures = s.authFailed();
            try {
                Thread.sleep(s.services().config().authFailureDelay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failures >= s.services().config().maxAuthFailures()) {
                s.tagged(tag, "NO", "AUTHENTICATIONFAILED", "Invalid credentials");
                s.untagged("BYE Too many failed logins");
                s.logout();
                return;
            }
            throw new ImapNo("AUTHENTICATIONFAILED", "Invalid credentials");
        }
        penalty.succeeded(s.clientAddress());
        if (!s.services().accounts().tryOpen(address.get())) {
            throw new ImapNo("LIMIT", "Too many sessions of this account (at most "
                    + s.services().accounts().max() + "); close one and try again");
        }
        s.loggedIn(address.get());
        // an account without its default folders (made before they existed) gets them now, as on any first change
        if (s.services().mailboxes().reader().folder(address.get(), io.cassmail.mailbox.FolderNames.INBOX).isEmpty()) {
            s.services().mailboxes().writer().open(address.get());
        }
        s.tagged(tag, "OK", "CAPABILITY " + Capabilities.list(s), "Logged in");
    }

    /** COMPRESS DEFLATE (RFC 4978). */
    static final class Compress implements ImapCommand {
        @Override
        public Set<ImapSession.State> states() {
            return AUTHENTICATED;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException, ImapNo {
            args.sp();
            String algorithm = args.keyword();
            args.end();
            if (!algorithm.equals("DEFLATE")) {
                throw new ImapSyntaxException("the only compression here is DEFLATE");
            }
            if (s.compressed()) {
                throw new ImapNo("COMPRESSIONACTIVE", "DEFLATE is already active");
            }
            s.tagged(tag, "OK", null, "DEFLATE active");
            s.compress();
        }
    }

    /** NAMESPACE (RFC 2342): one personal namespace, no prefix, {@code /} as the delimiter. */
    static final class Namespace implements ImapCommand {
        @Override
        public Set<ImapSession.State> states() {
            return AUTHENTICATED;
        }

        @Override
        public void run(ImapSession s, String tag, CommandReader args) throws IOException, ImapSyntaxException {
            args.end();
            s.untagged("NAMESPACE ((\"\" \"/\")) NIL NIL");
            s.ok(tag, null, "NAMESPACE completed");
        }
    }
}
