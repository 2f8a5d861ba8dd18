package io.cassmail.smtp;

import io.cassmail.mail.Addresses;
import io.cassmail.mail.DsnParameters;
import java.io.IOException;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.server.Session;

/**
 * MAIL FROM (RFC 5321 §4.1.1.2) with SIZE (RFC 1870), BODY (RFC 6152) and SMTPUTF8 (RFC 6531); on submission
 * (RFC 6409) only after AUTH (530 5.7.0), only from the user's own addresses (553 5.7.1, §6.1) and within the
 * user's hourly sending limit (450 4.7.1).
 */
final class MailCommand extends BaseCommand {
    private final long maxMessageSize;
    private final ConnectionGate gate;
    private final SubmissionPolicy submission;

    /** @param submission the submission policy, or null on an MX */
    MailCommand(long maxMessageSize, ConnectionGate gate, SubmissionPolicy submission) {
        super("MAIL", "Starts a mail transaction and names the sender.", "FROM:<sender> [SIZE=n] [BODY=8BITMIME] [SMTPUTF8]");
        this.maxMessageSize = maxMessageSize;
        this.gate = gate;
        this.submission = submission;
    }

    @Override
    public void execute(String commandString, Session sess) throws IOException {
        if (sess.isMailTransactionInProgress()) {
            sess.sendResponse("503 5.5.1 Error: nested MAIL command");
            return;
        }
        String user = gate.state(sess).user();
        if (submission != null && user == null) {
            sess.sendResponse("530 5.7.0 Authentication required");
            return;
        }
        MailPath path;
        try {
            path = MailPath.parse(commandString, "FROM");
        } catch (MailPath.SyntaxException e) {
            sess.sendResponse("501 5.5.4 Syntax: MAIL FROM:<address> (" + e.getMessage() + ")");
            return;
        }
        boolean smtpUtf8 = false;
        StringBuilder dsn = new StringBuilder();
        for (var p : path.parameters().entrySet()) {
            String value = p.getValue();
            switch (p.getKey()) {
                case "RET", "ENVID" -> {
                    try {
                        String v = p.getKey().equals("RET") ? DsnParameters.ret(value) : DsnParameters.envid(value);
                        if (p.getKey().equals("RET") && user == null) {
                            v = DsnParameters.retForStranger(v);
                        }
                        dsn.append(dsn.isEmpty() ? "" : " ").append(p.getKey()).append('=').append(v);
                    } catch (DsnParameters.InvalidException e) {
                        sess.sendResponse("501 5.5.4 " + e.getMessage() + " (RFC 3461)");
                        return;
                    }
                }
                case "SIZE" -> {
                    if (value == null || !value.matches("[0-9]{1,20}")) {
                        sess.sendResponse("501 5.5.4 Bad SIZE parameter");
                        return;
                    }
                    if (value.length() > 18 || Long.parseLong(value) > maxMessageSize) {
                        sess.sendResponse("552 5.3.4 Message size exceeds fixed limit of " + maxMessageSize + " bytes");
                        return;
                    }
                }
                case "BODY" -> {
                    if (value == null || !(value.equalsIgnoreCase("7BIT") || value.equalsIgnoreCase("8BITMIME"))) {
                        sess.sendResponse("501 5.5.4 BODY must be 7BIT or 8BITMIME");
                        return;
                    }
                }
                case "SMTPUTF8" -> smtpUtf8 = true;
                default -> {
                    sess.sendResponse("555 5.5.4 Unsupported MAIL parameter " + p.getKey());
                    return;
                }
            }
        }
        String sender = path.address();
        if (!sender.isEmpty() && !Addresses.isValid(sender)) {
            sess.sendResponse("501 5.1.7 <" + sender + ">: Bad sender address syntax");
            return;
        }
        if (!path.isAscii() && !smtpUtf8) {
            sess.sendResponse("553 5.6.7 <" + sender + ">: Non-ASCII sender address needs the SMTPUTF8 parameter");
            return;
        }
        if (submission != null) {
            if (!submission.owns(user, sender)) {
                sess.sendResponse("553 5.7.1 <" + sender + ">: Sender address rejected: not owned by user " + user);
                return;
            }
            if (!submission.limits().allows(user)) {
                sess.sendResponse("450 4.7.1 Sending limit of " + submission.limits().maxPerHour()
                        + " messages per hour reached for " + user + ", try again later");
                return;
            }
        }
        sess.startMailTransaction();
        ((Transaction) sess.getMessageHandler()).sender(sender, smtpUtf8);
        ((Transaction) sess.getMessageHandler()).dsn(dsn.isEmpty() ? null : dsn.toString());
        ((Transaction) sess.getMessageHandler()).authenticated(user != null);
        sess.sendResponse("250 2.1.0 Sender <" + sender + "> ok");
    }
}
