package io.cassmail.smtp;

import io.cassmail.ingest.IntakeMemory;
import io.cassmail.ingest.MessageIntake;
import io.cassmail.mail.Envelope;
import io.cassmail.mailbox.Quotas;
import io.cassmail.metrics.CassMailMetrics;
import io.cassmail.net.ReadDeadline;
import io.cassmail.store.StoreUnavailableException;
import java.io.IOException;
import java.time.ZonedDateTime;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.server.Session;

/**
 * DATA (RFC 5321 §4.1.1.4): streams the body into Cassandra while it arrives and answers 250 only
 * once the message is durable and its delivery job confirmed. Always reads to the end of the data
 * before answering, and always ends the transaction, so the next MAIL works without RSET.
 */
final class DataCommand extends BaseCommand {
    private static final Logger log = LoggerFactory.getLogger(DataCommand.class);
    private static final String INSUFFICIENT_RESOURCES =
            "451 4.3.1 Insufficient system resources: too many messages in flight, try again later";

    private final MessageIntake intake;
    private final Quotas quotas;
    private final ConnectionGate gate;
    private final long maxMessageSize;
    private final SubmissionPolicy submission;
    private final CassMailMetrics metrics;
    private final String listener;
    private final Inbound inbound;

    /** The MX's checks and the clients they trust without SPF/DKIM/DMARC (SmtpListener gives none to submission). */
    record Inbound(io.cassmail.inbound.InboundChecks checks, io.cassmail.inbound.TrustedNetworks trusted) {
        /** Whether mail from this client goes through the checks at all (a trusted client only through milters). */
        boolean applies(java.net.InetAddress client) {
            return checks.active() && (checks.hasMilters() || !trusted.contains(client));
        }
    }

    /** @param submission the submission policy (From: check, added Date/Message-ID), or null on an MX */
    DataCommand(MessageIntake intake, Quotas quotas, ConnectionGate gate, long maxMessageSize,
                SubmissionPolicy submission, CassMailMetrics metrics, String listener, Inbound inbound) {
        super("DATA", "Sends the message, ending with <CR><LF>.<CR><LF>.");
        this.inbound = inbound;
        this.metrics = metrics;
        this.listener = listener;
        this.intake = intake;
        this.quotas = quotas;
        this.gate = gate;
        this.maxMessageSize = maxMessageSize;
        this.submission = submission;
    }

    @Override
    public void execute(String commandString, Session sess) throws IOException, DropConnectionException {
        if (!getArgPredicate(commandString).isEmpty()) {
            sess.sendResponse("501 5.5.4 Syntax: DATA takes no arguments");
            return;
        }
        if (!sess.isMailTransactionInProgress()) {
            sess.sendResponse("503 5.5.1 Error: need MAIL command");
            return;
        }
        Transaction tx = (Transaction) sess.getMessageHandler();
        List<Envelope.Recipient> recipients = tx.recipients();
        if (recipients.isEmpty()) {
            sess.sendResponse("554 5.5.1 Error: no valid recipients");
            return;
        }
        String helo = sess.getHelo().orElse(null);
        Envelope envelope = new Envelope(tx.sender(), recipients, sess.getRemoteAddress().getAddress(), helo, tx.dsn());
        MessageIntake.Submission submission;
        try {
            submission = intake.begin(envelope);
        } catch (IntakeMemory.ExhaustedException e) {
            log.warn("session {}: DATA refused: {}", sess.getSessionId(), e.getMessage());
            sess.resetMailTransaction();
            sess.sendResponse(INSUFFICIENT_RESOURCES);
            return;
        }
        SessionState state = gate.state(sess);
        String hostname = sess.getServer().getHostName();
        byte[] received = ReceivedHeader.format(helo, envelope.clientIp(), hostname,
                ReceivedHeader.protocol(state.extended(), tx.smtpUtf8(), state.tls(), state.user() != null),
                submission.id().toString(), recipients.size() == 1 ? recipients.get(0).address() : null,
                this.submission != null && this.submission.receivedAuthUser() ? state.user() : null,
                ZonedDateTime.now());
        io.cassmail.inbound.InboundMessage checks = null;
        InboundData checked = null;
        if (inbound != null && inbound.applies(envelope.clientIp())) {
            checks = inbound.checks().begin(new io.cassmail.inbound.InboundEnvelope(envelope.clientIp(),
                    sess.getRemoteAddress().getPort(), helo, tx.sender() == null ? "" : tx.sender(),
                    recipients.stream().map(Envelope.Recipient::address).toList(), submission.id().toString()),
                    inbound.trusted().contains(envelope.clientIp()));
            if (checks.early() != null) {
                checks.close();
                submission.abort();
                sess.resetMailTransaction();
                sess.sendResponse(checks.early().reply());
                return;
            }
            checked = new InboundData(submission, checks, received);
        }
        try {
            if (checked == null) {
                submission.write(received, 0, received.length);
            }
        } catch (IOException e) {
            // nothing was sent to the client yet; the reader below drains nothing, so refuse DATA outright
            submission.abort();
            sess.resetMailTransaction();
            sess.sendResponse("451 4.3.0 Temporary storage failure, try again later");
            return;
        }
        sess.sendResponse("354 End data with <CR><LF>.<CR><LF>");
        DataReader.Result result;
        ReadDeadline deadline = ConnectionGate.deadline(sess);
        deadline.data(true);
        SubmissionHeaders headers = this.submission == null ? null : new SubmissionHeaders(submission::write, hostname);
        DataReader.Sink sink = checked != null ? checked : headers == null ? submission::write : headers;
        try {
            result = new DataReader(maxMessageSize, deadline).read(sess.getRawInput(), sink);
        } catch (IOException e) {
            submission.abort(); // a timeout (slow client, session limit) or a dropped connection: SubEthaSMTP answers 421
            if (checks != null) {
                checks.close();
            }
            throw e;
        } finally {
            deadline.data(false);
        }
        long dataEnd = System.nanoTime();
        String reply = switch (result.outcome()) {
            case COMPLETE -> {
                String refusal = headers == null ? null : checkHeaders(sess, headers, state.user());
                if (refusal == null && checked != null) {
                    refusal = verdict(sess, checked, submission);
                }
                yield refusal != null ? refusal : finish(sess, submission, recipients, state.user(), dataEnd);
            }
            case TOO_BIG -> "552 5.3.4 Message size exceeds fixed limit of " + maxMessageSize + " bytes";
            case BARE_LINE_ENDING -> "554 5.5.2 Bare CR or LF in message data; lines must end with CRLF (RFC 5321 §2.3.8)";
            case SINK_FAILED -> {
                log.warn("session {}: storing message {} failed: {}", sess.getSessionId(), submission.id(),
                        result.sinkFailure().getMessage());
                yield result.sinkFailure() instanceof IntakeMemory.ExhaustedException ? INSUFFICIENT_RESOURCES
                        : "451 4.3.0 Temporary storage failure, try again later";
            }
            case DISCONNECTED -> null;
            case SESSION_EXPIRED -> "421 4.4.2 Session time limit exceeded, closing connection";
        };
        if (checks != null) {
            checks.close();
        }
        if (reply == null || !reply.startsWith("250")) {
            submission.abort();
        }
        sess.resetMailTransaction();
        if (result.outcome() == DataReader.Outcome.DISCONNECTED) {
            log.info("session {}: client disconnected during DATA; message {} discarded", sess.getSessionId(), submission.id());
            sess.quit();
            return;
        }
        if (result.outcome() == DataReader.Outcome.SESSION_EXPIRED) {
            throw new DropConnectionException(421, "4.4.2 Session time limit exceeded, closing connection");
        }
        sess.sendResponse(reply);
    }

    /**
     * The inbound checks' verdict: a refusal (DMARC reject, a milter's reject or tempfail, a header section too
     * long), 250 for a message a milter discarded (dropped, as Postfix does), or null to store it (in Junk for a
     * quarantine).
     */
    private String verdict(Session sess, InboundData checked, MessageIntake.Submission submission) {
        if (checked.tooLong()) {
            return "552 5.3.4 Message header section exceeds " + InboundData.MAX_HEADER / 1024 + " KiB";
        }
        io.cassmail.inbound.InboundVerdict verdict;
        try {
            verdict = checked.finish();
        } catch (IOException e) {
            log.warn("session {}: storing the header section failed: {}", sess.getSessionId(), e.getMessage());
            return "451 4.3.0 Temporary storage failure, try again later";
        }
        switch (verdict.kind()) {
            case REJECT, TEMPFAIL -> {
                log.info("session {}: message {} refused: {}", sess.getSessionId(), submission.id(), verdict.reply());
                return verdict.reply();
            }
            case DISCARD -> {
                log.info("session {}: message {} discarded by a milter", sess.getSessionId(), submission.id());
                submission.abort();
                return "250 2.0.0 Ok: discarded";
            }
            case QUARANTINE -> {
                submission.folder(io.cassmail.mailbox.SpecialUse.JUNK.defaultName());
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /** Submission (RFC 6409 §6.1): every From: address must be the user's own or an alias of the user. */
    private String checkHeaders(Session sess, SubmissionHeaders headers, String user) {
        try {
            headers.finish();
        } catch (IOException e) {
            log.warn("session {}: storing the header section failed: {}", sess.getSessionId(), e.getMessage());
            return "451 4.3.0 Temporary storage failure, try again later";
        }
        if (headers.tooLong()) {
            return "552 5.3.4 Message header section exceeds " + SubmissionHeaders.MAX_HEADER / 1024 + " KiB";
        }
        if (headers.from().isEmpty()) {
            return "553 5.7.1 Message refused: " + headers.fromProblem();
        }
        for (String address : headers.from()) {
            if (!this.submission.owns(user, address)) {
                return "553 5.7.1 <" + address + ">: From: header address not owned by user " + user;
            }
        }
        return null;
    }

    /** Refuses the message when it would push a recipient's mailbox over quota (552 5.2.2), else commits it. */
    private String finish(Session sess, MessageIntake.Submission submission, List<Envelope.Recipient> recipients,
                          String user, long dataEnd) {
        try {
            for (Envelope.Recipient r : recipients) {
                if (!r.isRemote() && quotas.wouldExceed(r.mailbox(), submission.size())) {
                    return "552 5.2.2 <" + r.address() + ">: Mailbox full, message of " + submission.size()
                            + " bytes refused";
                }
            }
        } catch (StoreUnavailableException e) {
            log.warn("session {}: quota lookup failed: {}", sess.getSessionId(), e.getMessage());
            return "451 4.3.0 Temporary lookup failure, try again later";
        }
        return commit(sess, submission, user, dataEnd);
    }

    /** @param dataEnd when the end of the data was read: the intake latency runs from there to the 250 */
    private String commit(Session sess, MessageIntake.Submission submission, String user, long dataEnd) {
        try {
            submission.commit();
            metrics.messageAccepted(listener, submission.size(), java.time.Duration.ofNanos(System.nanoTime() - dataEnd));
            if (this.submission != null) {
                this.submission.limits().sent(user);
            }
            log.info("session {}: accepted message {} ({} bytes){}", sess.getSessionId(), submission.id(), submission.size(),
                    user == null ? "" : " from user " + user);
            return "250 2.0.0 Ok: queued as " + submission.id();
        } catch (IOException e) {
            log.warn("session {}: message {} not accepted: {}", sess.getSessionId(), submission.id(), e.getMessage());
            return "451 4.3.0 Temporary failure storing or queueing the message, try again later";
        }
    }
}
