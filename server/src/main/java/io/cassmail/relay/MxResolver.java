package io.cassmail.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;

/**
 * Where mail for a domain goes (RFC 5321 §5.1): MX hosts by preference, equal preferences shuffled; the domain
 * itself when it has no MX (implicit MX); a null MX (RFC 7505) or a domain that does not exist is a permanent
 * failure; SERVFAIL and timeouts are temporary. One dnsjava {@link LookupSession} with its own cache (answers kept
 * for their TTL) follows CNAME chains.
 */
public final class MxResolver {
    private final LookupSession session;
    private final Duration timeout;

    /** How a domain is routed: hosts to try in order, or why not. */
    public record Route(List<String> hosts, boolean permanent, String status, String reason) {
        static Route hosts(List<String> hosts) {
            return new Route(List.copyOf(hosts), false, null, null);
        }

        static Route failed(boolean permanent, String status, String reason) {
            return new Route(List.of(), permanent, status, reason);
        }

        public boolean found() {
            return !hosts.isEmpty();
        }
    }

    /**
     * @param servers DNS servers to ask ({@code host:port}); empty for the system's resolvers
     * @param timeout for one lookup, all retries included
     */
    public MxResolver(List<InetSocketAddress> servers, Duration timeout) {
        Resolver resolver = io.cassmail.dns.DnsClient.resolver(servers, timeout);
        this.session = LookupSession.builder().resolver(resolver).cache(new Cache(DClass.IN)).build();
        this.timeout = timeout;
    }

    /** The route for mail to {@code domain}. */
    public Route route(String domain) {
        Name name;
        try {
            name = Name.fromString(domain.endsWith(".") ? domain : domain + ".");
        } catch (TextParseException e) {
            return Route.failed(true, "5.1.2", "bad destination domain " + domain);
        }
        List<Record> answers;
        try {
            answers = lookup(name, Type.MX);
        } catch (NoSuchDomainException e) {
            return Route.failed(true, "5.1.2", "domain " + domain + " does not exist (NXDOMAIN)");
        } catch (NoSuchRRSetException e) {
            return Route.hosts(List.of(domain)); // implicit MX: the domain's own address (RFC 5321 §5.1)
        } catch (Exception e) {
            return Route.failed(false, "4.4.3", "DNS lookup of MX " + domain + " failed: " + describe(e));
        }
        Map<Integer, List<String>> byPreference = new TreeMap<>();
        for (Record r : answers) {
            if (r instanceof MXRecord mx) {
                if (mx.getTarget().equals(Name.root)) {
                    if (answers.size() == 1) {
                        return Route.failed(true, "5.1.10", "domain " + domain + " accepts no mail (null MX, RFC 7505)");
                    }
                    continue;
                }
                byPreference.computeIfAbsent(mx.getPriority(), p -> new ArrayList<>())
                        .add(mx.getTarget().toString(true));
            }
        }
        if (byPreference.isEmpty() && answers.stream().noneMatch(r -> r instanceof MXRecord)) {
            return Route.hosts(List.of(domain)); // an answer without MX records: implicit MX as for NODATA
        }
        List<String> hosts = new ArrayList<>();
        for (List<String> same : byPreference.values()) {
            Collections.shuffle(same, ThreadLocalRandom.current());
            hosts.addAll(same);
        }
        return hosts.isEmpty() ? Route.failed(false, "4.4.3", "no usable MX for " + domain) : Route.hosts(hosts);
    }

    /** IPv4 then IPv6 addresses of an MX host; empty when it has none; throws on a failed lookup (temporary). */
    public List<InetAddress> addresses(String host) throws UnknownHostException {
        Name name;
        try {
            name = Name.fromString(host.endsWith(".") ? host : host + ".");
        } catch (TextParseException e) {
            throw new UnknownHostException("bad host name " + host);
        }
        List<InetAddress> result = new ArrayList<>();
        boolean anyAnswer = false;
        String failure = null;
        for (int type : new int[] {Type.A, Type.AAAA}) {
            try {
                for (Record r : lookup(name, type)) {
                    anyAnswer = true;
                    if (r instanceof ARecord a) {
                        result.add(a.getAddress());
                    } else if (r instanceof AAAARecord aaaa) {
                        result.add(aaaa.getAddress());
                    }
                }
            } catch (NoSuchDomainException | NoSuchRRSetException e) {
                anyAnswer = true;
            } catch (Exception e) {
                failure = describe(e);
            }
        }
        if (result.isEmpty() && !anyAnswer && failure != null) {
            throw new UnknownHostException("DNS lookup of " + host + " failed: " + failure);
        }
        return result;
    }

    private List<Record> lookup(Name name, int type) throws Exception {
        try {
            return session.lookupAsync(name, type).toCompletableFuture()
                    .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS).getRecords();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } catch (TimeoutException e) {
            throw new TimeoutException("no answer within " + timeout.toMillis() + " ms");
        }
    }

    private static String describe(Exception e) {
        String simple = e.getClass().getSimpleName();
        return e.getMessage() == null ? simple : simple + ": " + e.getMessage();
    }
}
