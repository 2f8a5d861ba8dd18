package io.cassmail.smtp;

import io.cassmail.mail.Envelope;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.subethamail.smtp.MessageHandler;

/**
 * State of one mail transaction (RFC 5321 §3.3): reverse path, its parameters and accepted recipients.
 * SubEthaSMTP creates it at MAIL and ends it at RSET, EHLO, end of DATA or disconnect; our commands
 * fill it directly, so the listener callbacks of {@link MessageHandler} are not used.
 */
final class Transaction implements MessageHandler {
    private String sender;
    private boolean smtpUtf8;
    private String dsn;
    private boolean authenticated;
    private final List<Envelope.Recipient> recipients = new ArrayList<>();

    void sender(String sender, boolean smtpUtf8) {
        this.sender = sender;
        this.smtpUtf8 = smtpUtf8;
    }

    /** RFC 3461 RET/ENVID as {@code KEY=value ...}, or null. */
    void dsn(String parameters) {
        this.dsn = parameters;
    }

    String dsn() {
        return dsn;
    }

    /** Whether the client authenticated before MAIL: only then are success and delay reports (RFC 3461) honoured. */
    void authenticated(boolean authenticated) {
        this.authenticated = authenticated;
    }

    boolean authenticated() {
        return authenticated;
    }

    String sender() {
        return sender;
    }

    boolean smtpUtf8() {
        return smtpUtf8;
    }

    void addRecipient(Envelope.Recipient recipient) {
        recipients.add(recipient);
    }

    List<Envelope.Recipient> recipients() {
        return List.copyOf(recipients);
    }

    @Override
    public void from(String from) {
        throw new UnsupportedOperationException("MAIL is handled by CassMail's own command");
    }

    @Override
    public void recipient(String recipient) {
        throw new UnsupportedOperationException("RCPT is handled by CassMail's own command");
    }

    @Override
    public String data(InputStream data) {
        throw new UnsupportedOperationException("DATA is handled by CassMail's own command");
    }

    @Override
    public void done() {
        recipients.clear();
        dsn = null;
        authenticated = false;
    }
}
