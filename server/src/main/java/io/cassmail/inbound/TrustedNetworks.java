package io.cassmail.inbound;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Client networks whose mail is not checked by SPF, DKIM and DMARC (Postfix's {@code mynetworks}, policyd-spf's
 * {@code skip_addresses}): {@code 127.0.0.0/8,::1} by default, so local scripts and the benchmarks ask no DNS.
 */
public final class TrustedNetworks {
    private record Network(byte[] prefix, int bits) {
    }

    private final List<Network> networks;

    private TrustedNetworks(List<Network> networks) {
        this.networks = networks;
    }

    /** {@code address[/bits],...}; throws IllegalArgumentException with a sentence. */
    public static TrustedNetworks parse(String value) {
        List<Network> result = new ArrayList<>();
        for (String part : value.split("[,\\s]+")) {
            if (part.isBlank()) {
                continue;
            }
            String[] p = part.strip().split("/", 2);
            try {
                if (!p[0].matches("[0-9a-fA-F:.]+")) {
                    throw new UnknownHostException();
                }
                byte[] address = InetAddress.getByName(p[0]).getAddress();
                int bits = p.length > 1 ? Integer.parseInt(p[1]) : address.length * 8;
                if (bits < 0 || bits > address.length * 8) {
                    throw new NumberFormatException();
                }
                result.add(new Network(address, bits));
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("'" + part.strip() + "' is not an address or address/bits");
            }
        }
        return new TrustedNetworks(List.copyOf(result));
    }

    public boolean contains(InetAddress client) {
        byte[] a = client.getAddress();
        for (Network n : networks) {
            if (n.prefix().length == a.length && new BigInteger(1, a).shiftRight(a.length * 8 - n.bits())
                    .equals(new BigInteger(1, n.prefix()).shiftRight(a.length * 8 - n.bits()))) {
                return true;
            }
        }
        return false;
    }
}
