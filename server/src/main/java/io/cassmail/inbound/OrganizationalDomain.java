package io.cassmail.inbound;

import com.google.common.net.InternetDomainName;
import java.util.Locale;

/**
 * A domain's organisational domain (RFC 7489 §3.2): the public suffix plus one label, from the Public Suffix List
 * Guava carries (kept current by upgrading Guava). A name under no listed suffix (a private TLD such as
 * {@code .test}) takes its last two labels.
 */
final class OrganizationalDomain {
    private OrganizationalDomain() {
    }

    static String of(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        try {
            InternetDomainName name = InternetDomainName.from(d);
            if (name.isUnderPublicSuffix()) {
                return name.topPrivateDomain().toString();
            }
            if (name.isPublicSuffix()) {
                return d;
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            // not a valid domain name for Guava: fall back to the last two labels
        }
        String[] labels = d.split("\\.");
        return labels.length <= 2 ? d : labels[labels.length - 2] + "." + labels[labels.length - 1];
    }

    /** Relaxed alignment: the same organisational domain; strict: the same domain. */
    static boolean aligned(String a, String b, boolean strict) {
        if (a == null || b == null) {
            return false;
        }
        return strict ? a.equalsIgnoreCase(b) : of(a).equals(of(b));
    }
}
