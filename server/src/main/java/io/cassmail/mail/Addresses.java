package io.cassmail.mail;

import java.net.IDN;
import java.util.Locale;
import java.util.regex.Pattern;

/** Normal form of mail addresses used as keys: local part kept, domain lower-cased (RFC 5321 §2.4). */
public final class Addresses {
    private static final Pattern HOST_NAME =
            Pattern.compile("(?i)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\\.?");
    private static final Pattern ADDRESS_LITERAL = Pattern.compile("\\[[0-9a-fA-F:.]+\\]|\\[IPv6:[0-9a-fA-F:.]+\\]");

    private Addresses() {
    }

    /**
     * Keys are lower-cased entirely: RFC 5321 §2.4 lets a server treat local parts case-sensitively, but
     * like Postfix and Dovecot we do not, so Alice@ and alice@ are one mailbox.
     */
    public static String normalize(String address) {
        return address.strip().toLowerCase(Locale.ROOT);
    }

    public static String normalizeDomain(String domain) {
        String d = domain.strip().toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        return d;
    }

    public static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("not an address: " + address);
        }
        return normalizeDomain(address.substring(at + 1));
    }

    public static String localPartOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? address : address.substring(0, at);
    }

    /** A plain check good enough for keys: local@domain, no spaces, no angle brackets, a sane domain. */
    public static boolean isValid(String address) {
        int at = address.lastIndexOf('@');
        if (at < 1 || at == address.length() - 1 || address.length() > 320) {
            return false;
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        if (local.length() > 64 || local.chars().anyMatch(c -> c <= ' ' || c == '<' || c == '>' || c == 0x7f)) {
            return false;
        }
        try {
            String ascii = IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED);
            return HOST_NAME.matcher(ascii).matches() || ADDRESS_LITERAL.matcher(ascii).matches();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
