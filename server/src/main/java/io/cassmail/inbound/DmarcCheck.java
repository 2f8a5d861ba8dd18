package io.cassmail.inbound;

import io.cassmail.dkim.DkimVerifier;
import io.cassmail.dns.DnsAnswer;
import io.cassmail.dns.DnsClient;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * DMARC (RFC 7489): the policy of the {@code From:} domain (or of its organisational domain, whose {@code sp=} then
 * applies), and whether SPF or DKIM passed for a domain aligned with it, relaxed or strict as {@code aspf}/{@code adkim}
 * say. A failing message gets the policy, sampled by {@code pct} (a message outside the sample gets the next milder
 * policy, §6.6.4). A DNS failure is {@code temperror} and enforces nothing.
 */
public final class DmarcCheck {
    /** The outcome: the RFC 8601 result, the policy the domain asked for, and the one applied (none, quarantine, reject). */
    public record Result(String result, String fromDomain, String policy, String disposition) {
    }

    private final DnsClient dns;

    public DmarcCheck(DnsClient dns) {
        this.dns = dns;
    }

    /** Starts the record lookups for a {@code From:} domain (as soon as the header section is in). */
    public Lookup lookup(String fromDomain) {
        String org = OrganizationalDomain.of(fromDomain);
        CompletableFuture<DnsAnswer> own = dns.txt("_dmarc." + fromDomain);
        CompletableFuture<DnsAnswer> organisational = org.equals(fromDomain) ? own : dns.txt("_dmarc." + org);
        return new Lookup(fromDomain, org, own, organisational);
    }

    /** The lookups of one message; {@link #evaluate} waits for them. */
    public static final class Lookup {
        private final String domain;
        private final String org;
        private final CompletableFuture<DnsAnswer> own;
        private final CompletableFuture<DnsAnswer> organisational;

        Lookup(String domain, String org, CompletableFuture<DnsAnswer> own, CompletableFuture<DnsAnswer> organisational) {
            this.domain = domain;
            this.org = org;
            this.own = own;
            this.organisational = organisational;
        }

        public Result evaluate(SpfCheck.Result spf, List<DkimVerifier.Result> dkim) {
            DnsAnswer a = own.join();
            boolean subdomainPolicy = false;
            Map<String, String> record = record(a);
            if (a.status() == DnsAnswer.Status.FAILED) {
                return new Result("temperror", domain, null, "none");
            }
            if (record == null && !org.equals(domain)) {
                DnsAnswer b = organisational.join();
                if (b.status() == DnsAnswer.Status.FAILED) {
                    return new Result("temperror", domain, null, "none");
                }
                record = record(b);
                subdomainPolicy = true;
            }
            if (record == null) {
                return new Result("none", domain, null, "none");
            }
            String policy = record.getOrDefault("p", "none").toLowerCase(Locale.ROOT);
            if (subdomainPolicy && record.containsKey("sp")) {
                policy = record.get("sp").toLowerCase(Locale.ROOT);
            }
            if (!List.of("none", "quarantine", "reject").contains(policy)) {
                policy = "none"; // §6.6.3: an invalid p= with a valid rua is treated as none
            }
            boolean strictSpf = "s".equalsIgnoreCase(record.getOrDefault("aspf", "r"));
            boolean strictDkim = "s".equalsIgnoreCase(record.getOrDefault("adkim", "r"));
            boolean spfAligned = spf != null && spf.pass() && OrganizationalDomain.aligned(spf.domain(), domain, strictSpf);
            boolean dkimAligned = dkim.stream().anyMatch(r -> r.pass()
                    && OrganizationalDomain.aligned(r.domain(), domain, strictDkim));
            if (spfAligned || dkimAligned) {
                return new Result("pass", domain, policy, "none");
            }
            int pct = 100;
            try {
                pct = Math.max(0, Math.min(100, Integer.parseInt(record.getOrDefault("pct", "100").strip())));
            } catch (NumberFormatException e) {
                // §6.3: pct is an integer 0-100; anything else counts as the default
            }
            String applied = policy;
            if (pct < 100 && ThreadLocalRandom.current().nextInt(100) >= pct) {
                applied = policy.equals("reject") ? "quarantine" : "none";
            }
            return new Result("fail", domain, policy, applied);
        }

        /** The one {@code v=DMARC1} record among the answers; none when there are zero or several (§6.6.3). */
        private static Map<String, String> record(DnsAnswer answer) {
            List<String> records = answer.values().stream()
                    .filter(v -> v.strip().toLowerCase(Locale.ROOT).matches("v\\s*=\\s*dmarc1\\s*(;.*)?")).toList();
            return records.size() == 1 ? io.cassmail.dkim.DkimSignature.tags(records.get(0)) : null;
        }
    }
}
