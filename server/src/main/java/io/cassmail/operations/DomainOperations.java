package io.cassmail.operations;

import io.cassmail.mail.Addresses;
import io.cassmail.store.Directory;
import java.util.ArrayList;
import java.util.List;

/** Local domains: list, add, remove. */
public final class DomainOperations {
    private final Directory directory;
    private final AuditTrail audit;

    public DomainOperations(Directory directory, AuditTrail audit) {
        this.directory = directory;
        this.audit = audit;
    }

    /** Every local domain, sorted. */
    public List<String> list() {
        List<String> all = new ArrayList<>();
        directory.domains().forEach(all::add);
        all.sort(null);
        return all;
    }

    /** Makes the domain local; returns its normalized name. Adding a local domain again changes nothing. */
    public String add(Actor actor, String domain) {
        String d = valid(domain);
        return audit.change(actor, "domain.add", d, () -> {
            directory.addDomain(d);
            return d;
        });
    }

    /** Stops accepting mail for the domain (its accounts stay until removed). */
    public String remove(Actor actor, String domain) {
        String d = valid(domain);
        return audit.change(actor, "domain.remove", d, () -> {
            if (!directory.removeDomain(d)) {
                throw OperationException.notFound("no such domain: " + d);
            }
            return d;
        });
    }

    /** The normalized domain, or a refusal naming what is wrong. */
    static String valid(String domain) {
        if (domain == null || domain.isBlank() || !Addresses.isValid("x@" + domain)) {
            throw OperationException.invalid("'" + (domain == null ? "" : domain) + "' is not a valid domain name");
        }
        return Addresses.normalizeDomain(domain);
    }

    /** Fails unless the domain is local. */
    void requireLocal(String domain) {
        if (!directory.isLocalDomain(domain)) {
            throw OperationException.notFound("domain " + domain + " is not local; add it first: cassmail-admin domains add "
                    + domain);
        }
    }
}
