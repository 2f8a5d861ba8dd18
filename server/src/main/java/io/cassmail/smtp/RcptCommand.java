package io.cassmail.smtp;

import io.cassmail.mail.Addresses;
import io.cassmail.mail.DsnParameters;
import io.cassmail.store.StoreUnavailableException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.server.Session;

/**
 * RCPT TO (RFC 5321 §4.1.1.3): local recipients only, at most N per message (§4.5.3.1.8: 452 4.5.3); on submission
 * the user's recipients-per-message limit answers 450 4.7.1.
 */
final class RcptCommand extends BaseCommand {
    private static final Logger log = LoggerFactory.getLogger(RcptCommand.class);

    private final RecipientPolicy policy;
    private final int maxRecipients;
    private final SubmissionPolicy submission;
    private final DataCommand.Inbound inbound;
    private final ConnectionGate gate;

    /**
     * @param submission the submission policy, or null on an MX
     * @param inbound    the MX's checks (DNS blocklists), or null
     */
    RcptCommand(RecipientPolicy policy, int maxRecipients, SubmissionPolicy submission, DataCommand.Inbound inbound,
                ConnectionGate gate) {
        super("RCPT", "Names a recipient; may be repeated.", "TO:<recipient>");
        this.inbound = inbound;
        this.gate = gate;
        this.policy = policy;
        this.maxRecipients = maxRecipients;
        this.submission = submission;
    }

    @Override
    public void execute(String commandString, Session sess) throws IOException {
        if (!sess.isMailTransactionInProgress()) {
            sess.sendResponse("503 5.5.1 Error: need MAIL command");
            return;
        }
        Transaction tx = (Transaction) sess.getMessageHandler();
        MailPath path;
        try {
            path = MailPath.parse(commandString, "TO");
        } catch (MailPath.SyntaxException e) {
            sess.sendResponse("501 5.5.4 Syntax: RCPT TO:<address> (" + e.getMessage() + ")");
            return;
        }
        StringBuilder dsn = new StringBuilder();
        for (var p : path.parameters().entrySet()) {
            if (!p.getKey().equals("NOTIFY") && !p.getKey().equals("ORCPT")) {
                sess.sendResponse("555 5.5.4 Unsupported RCPT parameter " + p.getKey());
                return;
            }
            try {
                String v = p.getKey().equals("NOTIFY") ? DsnParameters.notify(p.getValue())
                        : DsnParameters.orcpt(p.getValue());
                if (p.getKey().equals("NOTIFY") && !tx.authenticated()) {
                    v = DsnParameters.notifyForStranger(v);
                }
                dsn.append(dsn.isEmpty() ? "" : " ").append(p.getKey()).append('=').append(v);
            } catch (DsnParameters.InvalidException e) {
                sess.sendResponse("501 5.5.4 " + e.getMessage() + " (RFC 3461)");
                return;
            }
        }
        String address = path.address();
        boolean bare = address.equalsIgnoreCase("postmaster");
        if (!bare && !Addresses.isValid(address)) {
            sess.sendResponse("501 5.1.3 <" + address + ">: Bad recipient address syntax");
            return;
        }
        if (!path.isAscii() && !tx.smtpUtf8()) {
            sess.sendResponse("553 5.6.7 <" + address + ">: Non-ASCII recipient address needs SMTPUTF8 on MAIL");
            return;
        }
        if (submission != null && tx.recipients().size() >= submission.maxRecipients()) {
            sess.sendResponse("450 4.7.1 Recipient limit of " + submission.maxRecipients()
                    + " per message reached; send to the others in another message");
            return;
        }
        if (tx.recipients().size() >= maxRecipients) {
            sess.sendResponse("452 4.5.3 Too many recipients (at most " + maxRecipients + " per message)");
            return;
        }
        java.net.InetAddress client = sess.getRemoteAddress().getAddress();
        if (inbound != null && inbound.checks().blocklistsEnabled() && !inbound.trusted().contains(client)) {
            String listed = gate.state(sess).blocklisted(() -> inbound.checks().blocklisted(client));
            if (listed != null) {
                log.info("session {}: RCPT refused: {}", sess.getSessionId(), listed);
                sess.sendResponse(listed);
                return;
            }
        }
        RecipientPolicy.Decision decision;
        try {
            decision = policy.decide(address);
        } catch (StoreUnavailableException e) {
            log.warn("session {}: recipient lookup failed: {}", sess.getSessionId(), e.getMessage());
            sess.sendResponse("451 4.3.0 <" + address + ">: Temporary lookup failure, try again later");
            return;
        }
        if (decision.recipient() != null
                && tx.recipients().stream().noneMatch(r -> r.address().equals(decision.recipient().address()))) {
            tx.addRecipient(dsn.isEmpty() ? decision.recipient() : decision.recipient().withDsn(dsn.toString()));
        }
        sess.sendResponse(decision.reply());
    }
}
