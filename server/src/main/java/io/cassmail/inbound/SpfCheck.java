package io.cassmail.inbound;

import io.cassmail.dns.DnsClient;
import java.net.InetAddress;
import java.util.Locale;
import org.apache.james.jspf.core.DNSServiceEnabled;
import org.apache.james.jspf.core.MacroExpand;
import org.apache.james.jspf.core.MacroExpandEnabled;
import org.apache.james.jspf.core.SPFCheckEnabled;
import org.apache.james.jspf.executor.SPFResult;
import org.apache.james.jspf.executor.SynchronousSPFExecutor;
import org.apache.james.jspf.impl.DefaultTermsFactory;
import org.apache.james.jspf.parser.RFC4408SPF1Parser;
import org.apache.james.jspf.wiring.WiringServiceTable;
import org.apache.james.jspf.impl.SPF;

/**
 * SPF (RFC 7208) for the MAIL FROM identity, or for the HELO name when the reverse path is null (§2.4), with Apache
 * jSPF on the {@code dns} servers: every mechanism and modifier, the 10-lookup limit, temperror and permerror.
 */
public final class SpfCheck {
    /** The outcome as RFC 8601 reports it: the result, and which identity it is about. */
    public record Result(String result, String property, String identity, String explanation) {
        public boolean pass() {
            return result.equals("pass");
        }

        /** The domain the result authenticates (for DMARC alignment). */
        public String domain() {
            int at = identity.lastIndexOf('@');
            return (at < 0 ? identity : identity.substring(at + 1)).toLowerCase(Locale.ROOT);
        }
    }

    private final SPF spf;
    private final JspfDns service;
    private final long evaluationLimitNanos;

    public SpfCheck(DnsClient dns) {
        this.service = new JspfDns(dns);
        this.evaluationLimitNanos = dns.timeout().toNanos() * 10;
        // SPF(DNSService) would run jSPF's asynchronous executor, which waited forever here on dnsjava 3.7 (its
        // asynchronous lookups ignore the resolver given); the synchronous one asks ours, each lookup bounded by
        // its timeout. The wiring is what SPF(DNSService) builds.
        WiringServiceTable wiring = new WiringServiceTable();
        wiring.put(DNSServiceEnabled.class, service);
        MacroExpand macros = new MacroExpand(service);
        wiring.put(MacroExpandEnabled.class, macros);
        this.spf = new SPF(service, new RFC4408SPF1Parser(new DefaultTermsFactory(wiring)), macros,
                new SynchronousSPFExecutor(service));
        wiring.put(SPFCheckEnabled.class, spf);
        this.spf.setTimeOut((int) Math.max(1, dns.timeout().toSeconds()));
    }

    /**
     * The HELO identity on its own (RFC 7208 §2.3, recommended beside MAIL FROM): null when the name is an address
     * literal or has no dot, which no SPF record can be published for.
     */
    public Result checkHelo(InetAddress client, String helo) {
        if (helo == null || helo.startsWith("[") || !helo.contains(".")) {
            return null;
        }
        return check(client, "", helo);
    }

    /** Checks one client; {@code mailFrom} empty for a null reverse path. */
    public Result check(InetAddress client, String mailFrom, String helo) {
        boolean nullPath = mailFrom == null || mailFrom.isEmpty();
        String h = helo == null || helo.isBlank() ? "unknown" : helo;
        String identity = nullPath ? "postmaster@" + h : mailFrom;
        if (nullPath && h.startsWith("[")) {
            return new Result("none", "smtp.helo", h, "HELO is an address literal");
        }
        try {
            service.startEvaluation(evaluationLimitNanos);
            SPFResult r = spf.checkSPF(client.getHostAddress(), nullPath ? "" : mailFrom, h);
            String result = r.getResult() == null ? "temperror" : r.getResult().toLowerCase(Locale.ROOT);
            return new Result(result, nullPath ? "smtp.helo" : "smtp.mailfrom", nullPath ? h : identity,
                    r.getExplanation());
        } catch (RuntimeException e) {
            return new Result("temperror", nullPath ? "smtp.helo" : "smtp.mailfrom", nullPath ? h : identity,
                    e.getMessage());
        }
    }
}
