package io.cassmail.inbound;

import io.cassmail.dkim.DkimHeaders;
import io.cassmail.dkim.DkimVerifier;
import io.cassmail.inbound.milter.MilterAddress;
import io.cassmail.inbound.milter.MilterReply;
import io.cassmail.inbound.milter.MilterSession;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One message's checks on the MX, fed as the data streams in: the header section once it is complete (forged
 * Authentication-Results: removed, DKIM key and DMARC record lookups started, milters told every field), then the
 * body (DKIM hashes, milters), then {@link #finish()} for the verdict. SPF runs from the start, beside the transfer.
 * Built-in checks decide first (a DMARC reject does not ask the milters); then each milter in order.
 */
public final class InboundMessage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InboundMessage.class);
    static final String MILTER_TEMPFAIL = "451 4.7.1 Service unavailable - try again later";

    private final InboundChecks checks;
    private final InboundEnvelope envelope;
    private final CompletableFuture<SpfCheck.Result> spf;
    private final CompletableFuture<SpfCheck.Result> spfHelo;
    private final List<Milter> milters = new ArrayList<>();
    private InboundVerdict early;
    /** A milter's DISCARD before the data: the message is read, answered 250 and dropped, as any discard. */
    private InboundVerdict discarded;
    private List<DkimHeaders.Field> kept;
    private DkimVerifier dkim;
    private DmarcCheck.Lookup dmarc;
    private int fromFields;
    private String fromDomain;
    private final boolean checked;

    private record Milter(MilterAddress address, MilterSession session) {
    }

    InboundMessage(InboundChecks checks, InboundEnvelope envelope, boolean checked) {
        this.checks = checks;
        this.envelope = envelope;
        this.checked = checked;
        this.spf = checked
                ? CompletableFuture.supplyAsync(() -> checks.spf.check(envelope.client(), envelope.mailFrom(),
                        envelope.helo()), checks.executor)
                : CompletableFuture.completedFuture(null);
        this.spfHelo = checked && !envelope.mailFrom().isEmpty()
                ? CompletableFuture.supplyAsync(() -> checks.spf.checkHelo(envelope.client(), envelope.helo()),
                        checks.executor)
                : CompletableFuture.completedFuture(null);
        for (MilterAddress a : checks.settings.milters()) {
            if (early != null) {
                break;
            }
            MilterSession s = null;
            try {
                s = new MilterSession(a, checks.settings.milterTimeout(), checks.milterWatchdog);
                s.connect("unknown", envelope.client(), envelope.clientPort(), Map.of("j", checks.hostname,
                        "{daemon_name}", "cassmail", "{client_addr}", envelope.client().getHostAddress()));
                s.helo(envelope.helo());
                s.mail(envelope.mailFrom(), Map.of("{mail_addr}", envelope.mailFrom(), "{i}", envelope.queueId()));
                for (String r : envelope.recipients()) {
                    s.rcpt(r);
                }
                s.data();
                MilterReply decided = s.decided();
                if (decided == null) {
                    milters.add(new Milter(a, s));
                    continue;
                }
                s.close();
                checks.metrics.inboundCheck("milter", decided.action().name().toLowerCase(java.util.Locale.ROOT));
                // a decision before the data (a RCPT reject included: the transaction is refused as a whole);
                // ACCEPT: this milter wants nothing more of this message
                InboundVerdict v = refusal(decided);
                if (v != null && v.kind() == InboundVerdict.Kind.DISCARD) {
                    discarded = v;
                } else if (v != null) {
                    early = v;
                }
            } catch (IOException e) {
                if (s != null) {
                    s.close();
                }
                milterFailed(a, e);
            }
        }
    }

    /** A refusal decided before the data (a milter that rejected the envelope, or is down under tempfail), or null. */
    public InboundVerdict early() {
        return early;
    }

    /** The complete header section's fields (without the empty line), as the client sent them. */
    public void headers(List<DkimHeaders.Field> fields) {
        List<DkimHeaders.Field> without = new ArrayList<>();
        for (DkimHeaders.Field f : fields) {
            if (checked && AuthenticationResults.claims(f, checks.settings.authservId())) {
                log.info("message {}: removed an Authentication-Results: field claiming to be ours ({})",
                        envelope.queueId(), checks.settings.authservId());
                checks.metrics.inboundCheck("forged-results", "removed");
                continue;
            }
            if (f.name().equals("from")) {
                fromFields++;
            }
            without.add(f);
        }
        kept = without;
        if (checked) {
            dkim = new DkimVerifier(fields, checks.settings.maxSignatures(), checks.dns::txt);
            if (fromFields == 1) {
                fromDomain = FromDomain.of(without.stream().filter(f -> f.name().equals("from")).findFirst().orElseThrow());
                if (fromDomain != null) {
                    dmarc = checks.dmarc.lookup(fromDomain);
                }
            }
        }
        for (Milter m : List.copyOf(milters)) {
            try {
                for (DkimHeaders.Field f : without) {
                    if (f.name().isEmpty()) {
                        continue; // a line that is no field (kept in the message, not shown to milters)
                    }
                    String text = f.text();
                    m.session().header(text.substring(0, text.indexOf(':')), text.substring(text.indexOf(':') + 1));
                }
                m.session().endOfHeaders();
            } catch (IOException e) {
                drop(m, e);
            }
        }
    }

    /** Body bytes, after the header section's empty line. */
    public void body(byte[] b, int off, int len) {
        if (dkim != null) {
            dkim.body(b, off, len);
        }
        for (Milter m : List.copyOf(milters)) {
            try {
                m.session().body(b, off, len);
            } catch (IOException e) {
                drop(m, e);
            }
        }
    }

    /** The verdict; call once, after {@link #headers} (a message without an empty line has all its fields there). */
    public InboundVerdict finish() {
        if (early != null) {
            return early;
        }
        if (discarded != null) {
            return discarded;
        }
        String trace = "";
        InboundVerdict.Kind kind = InboundVerdict.Kind.ACCEPT;
        if (checked) {
            if (fromFields != 1 && checks.settings.enforceDmarc()) {
                checks.metrics.inboundCheck("dmarc", "permerror");
                return InboundVerdict.refuse(InboundVerdict.Kind.REJECT, "550 5.7.1 Message refused: it has "
                        + fromFields + " From: header fields, and RFC 5322 section 3.6 asks for exactly one");
            }
            if (fromFields == 1 && fromDomain == null && checks.settings.enforceDmarc()) {
                checks.metrics.inboundCheck("dmarc", "permerror");
                return InboundVerdict.refuse(InboundVerdict.Kind.REJECT, "550 5.7.1 Message refused: its From: field"
                        + " does not name exactly one domain, so no DMARC policy can be applied (RFC 7489 section 6.6.1)");
            }
            SpfCheck.Result s = spfResult(spf, envelope.mailFrom());
            SpfCheck.Result helo = spfResult(spfHelo, "");
            List<DkimVerifier.Result> d = dkim == null ? List.of() : dkim.results(Instant.now());
            DmarcCheck.Result m = dmarc != null ? dmarc.evaluate(s, d)
                    : new DmarcCheck.Result(fromDomain == null ? "permerror" : "none", String.valueOf(fromDomain), null, "none");
            checks.metrics.inboundCheck("spf", s.result());
            d.forEach(r -> checks.metrics.inboundCheck("dkim", r.result()));
            if (d.isEmpty()) {
                checks.metrics.inboundCheck("dkim", "none");
            }
            checks.metrics.inboundCheck("dmarc", m.result());
            log.info("message {}: spf={} dkim={} dmarc={}{}", envelope.queueId(), s.result(),
                    d.stream().map(r -> r.result() + "(" + r.domain() + ")").toList(), m.result(),
                    m.policy() == null ? "" : " p=" + m.policy() + " applied=" + m.disposition());
            if (checks.settings.enforceDmarc() && m.disposition().equals("reject")) {
                return InboundVerdict.refuse(InboundVerdict.Kind.REJECT, "550 5.7.1 Message rejected: the DMARC"
                        + " policy of " + m.fromDomain() + " is reject, and neither SPF nor DKIM passed for that domain");
            }
            if (checks.settings.enforceDmarc() && m.disposition().equals("quarantine")) {
                kind = InboundVerdict.Kind.QUARANTINE;
            }
            trace = AuthenticationResults.field(checks.settings.authservId(), s, helo, d, m);
        }
        List<DkimHeaders.Field> fields = new ArrayList<>(kept == null ? List.of() : kept);
        for (Milter milter : List.copyOf(milters)) {
            MilterReply reply;
            try {
                reply = milter.session().endOfMessage(Map.of("{i}", envelope.queueId()));
            } catch (IOException e) {
                drop(milter, e);
                if (early != null) {
                    return early;
                }
                continue;
            }
            checks.metrics.inboundCheck("milter", reply.action().name().toLowerCase(java.util.Locale.ROOT)
                    + (reply.quarantine() != null ? "-quarantine" : ""));
            log.info("message {}: milter {} says {}{}", envelope.queueId(), milter.address().text(), reply.action(),
                    reply.smtpReply() == null ? "" : " (" + reply.smtpReply() + ")");
            InboundVerdict refused = refusal(reply);
            if (refused != null) {
                return refused;
            }
            HeaderChanges.apply(fields, reply.changes());
            if (reply.quarantine() != null) {
                kind = InboundVerdict.Kind.QUARANTINE;
            }
        }
        return new InboundVerdict(kind, null, trace, fields);
    }

    /** A milter's REJECT, TEMPFAIL or DISCARD as a verdict (its own reply, else Postfix's words), or null for ACCEPT. */
    private static InboundVerdict refusal(MilterReply reply) {
        return switch (reply.action()) {
            case REJECT -> InboundVerdict.refuse(InboundVerdict.Kind.REJECT,
                    reply.smtpReply() != null ? reply.smtpReply() : "550 5.7.1 Command rejected");
            case TEMPFAIL -> InboundVerdict.refuse(InboundVerdict.Kind.TEMPFAIL,
                    reply.smtpReply() != null ? reply.smtpReply() : MILTER_TEMPFAIL);
            case DISCARD -> InboundVerdict.refuse(InboundVerdict.Kind.DISCARD, null);
            case ACCEPT -> null;
        };
    }

    /** SPF's result, or temperror when it takes longer than its lookups could (10 of them, RFC 7208 §4.6.4). */
    private SpfCheck.Result spfResult(CompletableFuture<SpfCheck.Result> spf, String mailFrom) {
        long limit = checks.dns.timeout().toMillis() * 11;
        try {
            return spf.get(limit, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            spf.cancel(true);
            return new SpfCheck.Result("temperror", mailFrom.isEmpty() ? "smtp.helo" : "smtp.mailfrom",
                    mailFrom.isEmpty() ? String.valueOf(envelope.helo()) : mailFrom, "no result within " + limit + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for SPF", e);
        }
    }

    private void drop(Milter m, IOException e) {
        milters.remove(m);
        m.session().close();
        milterFailed(m.address(), e);
    }

    private void milterFailed(MilterAddress a, IOException e) {
        checks.metrics.inboundCheck("milter", "unavailable");
        if (checks.settings.milterTempfail()) {
            log.warn("message {}: milter {} failed ({}); the message is refused for now (milter.default-action=tempfail)",
                    envelope.queueId(), a.text(), e.getMessage());
            if (early == null) {
                early = InboundVerdict.refuse(InboundVerdict.Kind.TEMPFAIL, MILTER_TEMPFAIL);
            }
        } else {
            log.warn("message {}: milter {} failed ({}); going on without it (milter.default-action=accept)",
                    envelope.queueId(), a.text(), e.getMessage());
        }
    }

    /** Ends every milter conversation. */
    @Override
    public void close() {
        for (Milter m : milters) {
            m.session().close();
        }
        milters.clear();
    }
}
