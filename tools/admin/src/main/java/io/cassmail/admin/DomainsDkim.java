package io.cassmail.admin;

import io.cassmail.mail.Addresses;
import io.cassmail.relay.DkimSigning;
import io.cassmail.store.DkimKey;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code domains dkim DOMAIN [--selector S] | --list | --remove S}: DKIM keys (RFC 6376) of a local domain. A new key
 * is 2048-bit RSA and signs from then on; older selectors keep verifying mail already sent until removed.
 */
@Command(name = "dkim", mixinStandardHelpOptions = true,
        description = "Make a DKIM key for DOMAIN and print its DNS record; --list shows the keys, --remove S drops one.")
final class DomainsDkim implements Callable<Integer> {
    @Mixin
    ConnectionOptions options;
    @Parameters(paramLabel = "DOMAIN")
    String domain;
    @Option(names = "--selector", paramLabel = "S", description = "Selector of the new key (default: cm + year and month, e.g. cm202611).")
    String selector;
    @Option(names = "--list", description = "List the domain's keys and their DNS records (the first one signs).")
    boolean list;
    @Option(names = "--remove", paramLabel = "S", description = "Remove the key with this selector.")
    String remove;
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        String d = Addresses.normalizeDomain(domain);
        try (StoreAccess store = new StoreAccess(options.load())) {
            if (!store.directory.isLocalDomain(d)) {
                throw new IllegalArgumentException("domain " + d + " is not local; add it first: cassmail-admin domains add " + d);
            }
            if (remove != null) {
                if (!store.directory.removeDkimKey(d, remove)) {
                    throw new IllegalArgumentException("domain " + d + " has no DKIM key with selector " + remove);
                }
                System.out.println("removed DKIM selector " + remove + " of " + d
                        + "; remove its DNS record once mail signed with it is no longer verified");
                return 0;
            }
            if (list) {
                List<Map<String, Object>> rows = new ArrayList<>();
                boolean first = true;
                for (DkimKey k : store.directory.dkimKeys(d)) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("selector", k.selector());
                    row.put("signing", first);
                    row.put("created", k.created().toString());
                    row.put("dns_name", k.dnsName());
                    row.put("txt", k.txtRecord());
                    rows.add(row);
                    first = false;
                }
                if (json) {
                    System.out.println(Json.write(rows));
                } else if (rows.isEmpty()) {
                    System.out.println(d + " has no DKIM key; make one: cassmail-admin domains dkim " + d);
                } else {
                    for (Map<String, Object> r : rows) {
                        System.out.println(r.get("selector") + (Boolean.TRUE.equals(r.get("signing")) ? " (signing)" : "")
                                + "  created " + r.get("created") + "\n  " + record(r.get("dns_name") + ".", (String) r.get("txt")));
                    }
                }
                return 0;
            }
            String s = selector != null ? selector
                    : "cm" + LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMM"));
            if (!s.matches("[a-zA-Z0-9][a-zA-Z0-9-]{0,62}")) {
                throw new IllegalArgumentException("selector '" + s + "' must be letters, digits and hyphens");
            }
            if (store.directory.dkimKeys(d).stream().anyMatch(k -> k.selector().equals(s))) {
                throw new IllegalArgumentException(d + " already has a key with selector " + s
                        + "; choose another --selector (rotation) or --remove it first");
            }
            DkimKey key = DkimSigning.generate(d, s);
            store.directory.addDkimKey(key);
            if (json) {
                System.out.println(Json.write(Map.of("selector", s, "dns_name", key.dnsName(), "txt", key.txtRecord())));
            } else {
                System.out.println("DKIM key " + s + " of " + d + " made; mail from " + d + " is signed with it from now on.");
                System.out.println("Publish this DNS record:");
                System.out.println(record(key.dnsName() + ".", key.txtRecord()));
            }
        }
        return 0;
    }

    /** A zone-file line; the value split into strings of at most 255 characters (RFC 7208 §3.3 style). */
    private static String record(String name, String txt) {
        StringBuilder b = new StringBuilder(name).append(" IN TXT (");
        for (int i = 0; i < txt.length(); i += 250) {
            b.append(" \"").append(txt, i, Math.min(txt.length(), i + 250)).append('"');
        }
        return b.append(" )").toString();
    }
}
