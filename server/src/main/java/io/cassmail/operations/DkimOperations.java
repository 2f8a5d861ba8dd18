package io.cassmail.operations;

import io.cassmail.relay.DkimSigning;
import io.cassmail.store.Directory;
import io.cassmail.store.DkimKey;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * DKIM keys of local domains (RFC 6376 §3.6): list them with the DNS record to publish, make a new one (it signs from
 * then on: rotation), remove an old one.
 */
public final class DkimOperations {
    private final Directory directory;
    private final DomainOperations domains;
    private final AuditTrail audit;
    private final Clock clock;

    public DkimOperations(Directory directory, DomainOperations domains, AuditTrail audit, Clock clock) {
        this.directory = directory;
        this.domains = domains;
        this.audit = audit;
        this.clock = clock;
    }

    /** One key: whether it is the one that signs, and the TXT record that publishes it. */
    public record Key(String selector, boolean signing, String created, String dnsName, String txt) {

        /** The record as a zone-file line, its value split into strings of at most 250 characters. */
        public String zoneLine() {
            StringBuilder b = new StringBuilder(dnsName).append(". IN TXT (");
            for (int i = 0; i < txt.length(); i += 250) {
                b.append(" \"").append(txt, i, Math.min(txt.length(), i + 250)).append('"');
            }
            return b.append(" )").toString();
        }
    }

    /** The domain's keys, the signing one first. */
    public List<Key> list(String domain) {
        String d = DomainOperations.valid(domain);
        domains.requireLocal(d);
        List<Key> keys = new ArrayList<>();
        boolean first = true;
        for (DkimKey k : directory.dkimKeys(d)) {
            keys.add(key(k, first));
            first = false;
        }
        return keys;
    }

    private static Key key(DkimKey k, boolean signing) {
        return new Key(k.selector(), signing, k.created().toString(), k.dnsName(), k.txtRecord());
    }

    /** Makes a 2048-bit RSA key that signs the domain's mail from now on; {@code selector} null: cm + year and month. */
    public Key generate(Actor actor, String domain, String selector) {
        String d = DomainOperations.valid(domain);
        String s = selector != null && !selector.isBlank() ? selector
                : "cm" + LocalDate.now(clock.withZone(ZoneOffset.UTC)).format(DateTimeFormatter.ofPattern("yyyyMM"));
        if (!s.matches("[a-zA-Z0-9][a-zA-Z0-9-]{0,62}")) {
            throw OperationException.invalid("selector '" + s + "' must be letters, digits and hyphens");
        }
        return audit.change(actor, "dkim.generate", s + "._domainkey." + d, () -> {
            domains.requireLocal(d);
            if (directory.dkimKeys(d).stream().anyMatch(k -> k.selector().equals(s))) {
                throw OperationException.conflict(d + " already has a key with selector " + s
                        + "; choose another selector (rotation) or remove it first");
            }
            DkimKey key = DkimSigning.generate(d, s);
            directory.addDkimKey(key);
            return key(key, true);
        });
    }

    /** Removes a key; mail it signed no longer verifies once its DNS record goes too. */
    public void remove(Actor actor, String domain, String selector) {
        String d = DomainOperations.valid(domain);
        audit.change(actor, "dkim.remove", selector + "._domainkey." + d, () -> {
            domains.requireLocal(d);
            if (!directory.removeDkimKey(d, selector)) {
                throw OperationException.notFound("domain " + d + " has no DKIM key with selector " + selector);
            }
            return d;
        });
    }
}
