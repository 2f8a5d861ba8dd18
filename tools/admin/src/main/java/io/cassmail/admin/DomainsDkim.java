package io.cassmail.admin;

import io.cassmail.operations.Actor;
import io.cassmail.operations.DkimOperations;
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
        try (StoreAccess store = new StoreAccess(options.load())) {
            DkimOperations dkim = store.ops.dkim();
            String d = io.cassmail.mail.Addresses.normalizeDomain(domain);
            if (remove != null) {
                dkim.remove(Actor.cli(), domain, remove);
                System.out.println("removed DKIM selector " + remove + " of " + d
                        + "; remove its DNS record once mail signed with it is no longer verified");
                return 0;
            }
            if (list) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (DkimOperations.Key k : dkim.list(domain)) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("selector", k.selector());
                    row.put("signing", k.signing());
                    row.put("created", k.created());
                    row.put("dns_name", k.dnsName());
                    row.put("txt", k.txt());
                    rows.add(row);
                }
                if (json) {
                    System.out.println(Json.write(rows));
                } else if (rows.isEmpty()) {
                    System.out.println(d + " has no DKIM key; make one: cassmail-admin domains dkim " + d);
                } else {
                    for (DkimOperations.Key k : dkim.list(domain)) {
                        System.out.println(k.selector() + (k.signing() ? " (signing)" : "") + "  created " + k.created()
                                + "\n  " + k.zoneLine());
                    }
                }
                return 0;
            }
            DkimOperations.Key key = dkim.generate(Actor.cli(), domain, selector);
            if (json) {
                System.out.println(Json.write(Map.of("selector", key.selector(), "dns_name", key.dnsName(), "txt", key.txt())));
            } else {
                System.out.println("DKIM key " + key.selector() + " of " + d + " made; mail from " + d
                        + " is signed with it from now on.");
                System.out.println("Publish this DNS record:");
                System.out.println(key.zoneLine());
            }
        }
        return 0;
    }
}
