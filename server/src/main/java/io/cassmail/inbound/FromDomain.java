package io.cassmail.inbound;

import io.cassmail.dkim.DkimHeaders;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.DefaultAddressParser;
import org.apache.james.mime4j.field.address.ParseException;

/**
 * The RFC5322.From domain DMARC judges (RFC 7489 §6.6.1), from the one {@code From:} field parsed as an address
 * list (quoted display names, comments and groups understood, so {@code "<x@evil>" <ceo@bank>} is bank's), or null
 * when it has no address, cannot be parsed, or names more than one domain: such a message is refused under DMARC.
 */
final class FromDomain {
    private FromDomain() {
    }

    static String of(DkimHeaders.Field from) {
        String value = from.text().substring(from.text().indexOf(':') + 1).replace("\r\n", "");
        Set<String> domains = new TreeSet<>();
        try {
            for (Mailbox m : DefaultAddressParser.DEFAULT.parseAddressList(value, DecodeMonitor.SILENT).flatten()) {
                if (m.getDomain() == null || m.getDomain().isBlank()) {
                    return null;
                }
                domains.add(m.getDomain().strip().toLowerCase(Locale.ROOT));
            }
        } catch (ParseException | RuntimeException e) {
            return null;
        }
        return domains.size() == 1 ? domains.iterator().next() : null;
    }
}
