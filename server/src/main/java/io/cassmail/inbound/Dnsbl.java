package io.cassmail.inbound;

import io.cassmail.dns.DnsAnswer;
import io.cassmail.dns.DnsClient;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * DNS blocklists (RFC 5782): a client address is listed in a zone when {@code reversed-address.zone} has an A
 * record in 127.0.0.0/8. The answer to a listed client has Postfix's shape ({@code reject_rbl_client}):
 * {@code 554 5.7.1 Service unavailable; Client host [a.b.c.d] blocked using zone; reason}.
 */
public final class Dnsbl {
    private final DnsClient dns;
    private final List<String> zones;

    public Dnsbl(DnsClient dns, List<String> zones) {
        this.dns = dns;
        this.zones = List.copyOf(zones);
    }

    public boolean enabled() {
        return !zones.isEmpty();
    }

    /** Starts every zone's lookup; the future gives the reply for a listed client, or null. A failed lookup lists nothing. */
    public CompletableFuture<String> check(InetAddress client) {
        if (zones.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        String reversed = reversed(client);
        List<CompletableFuture<String>> each = new ArrayList<>();
        for (String zone : zones) {
            String name = reversed + "." + zone;
            each.add(dns.a(name).thenCompose(a -> {
                if (a.status() != DnsAnswer.Status.FOUND || a.values().stream().noneMatch(Dnsbl::listing)) {
                    return CompletableFuture.completedFuture(null);
                }
                return dns.txt(name).thenApply(txt -> "554 5.7.1 Service unavailable; Client host ["
                        + client.getHostAddress() + "] blocked using " + zone
                        + (txt.values().isEmpty() ? "" : "; " + txt.values().get(0).replaceAll("[\r\n]", " ")));
            }));
        }
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                .thenApply(v -> each.stream().map(CompletableFuture::join).filter(r -> r != null).findFirst().orElse(null));
    }

    /**
     * A listing answer is in 127.0.0.2-127.0.0.255 (RFC 5782 §2.1); lists answer errors (a query through a public
     * resolver, over quota) in 127.255.255.0/24, which must not refuse anyone.
     */
    static boolean listing(String address) {
        return address.startsWith("127.0.0.") && !address.equals("127.0.0.1") && !address.equals("127.0.0.0");
    }

    /** {@code 4.3.2.1} for 1.2.3.4; an IPv6 address as 32 reversed nibbles (RFC 5782 §2.4). */
    static String reversed(InetAddress address) {
        byte[] b = address.getAddress();
        StringBuilder s = new StringBuilder();
        if (address instanceof Inet4Address) {
            for (int i = b.length - 1; i >= 0; i--) {
                s.append(b[i] & 0xff).append(i > 0 ? "." : "");
            }
            return s.toString();
        }
        for (int i = b.length - 1; i >= 0; i--) {
            s.append(Character.forDigit(b[i] & 0xf, 16)).append('.').append(Character.forDigit((b[i] >> 4) & 0xf, 16));
            s.append(i > 0 ? "." : "");
        }
        return s.toString();
    }
}
