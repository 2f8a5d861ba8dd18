package io.cassmail.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;

/**
 * The servers of the {@code dns} setting (the system's when empty), asked without blocking: TXT records for SPF,
 * DKIM and DMARC, A records for DNS blocklists. One dnsjava {@link LookupSession} with its own cache (answers kept
 * for their TTL) follows CNAME chains; every lookup is bounded by the timeout, retries included.
 */
public final class DnsClient {
    private final Resolver resolver;
    private final LookupSession session;
    private final Duration timeout;

    public DnsClient(List<InetSocketAddress> servers, Duration timeout) {
        this.resolver = resolver(servers, timeout);
        this.session = LookupSession.builder().resolver(resolver).cache(new Cache(DClass.IN)).build();
        this.timeout = timeout;
    }

    /** A resolver asking {@code servers} in turn ({@code host:port}), or the system's resolvers when empty. */
    public static Resolver resolver(List<InetSocketAddress> servers, Duration timeout) {
        Resolver resolver;
        if (servers.isEmpty()) {
            resolver = new ExtendedResolver();
        } else {
            List<Resolver> each = new ArrayList<>();
            for (InetSocketAddress s : servers) {
                SimpleResolver r = new SimpleResolver(s);
                r.setTimeout(timeout);
                each.add(r);
            }
            resolver = new ExtendedResolver(each);
        }
        resolver.setTimeout(timeout);
        return resolver;
    }

    /** The resolver itself, for libraries that take one (jSPF). */
    public Resolver resolver() {
        return resolver;
    }

    public Duration timeout() {
        return timeout;
    }

    /** TXT records of {@code name}, each record's strings joined (RFC 7208 §3.3, RFC 6376 §3.6.2.2). */
    public CompletableFuture<DnsAnswer> txt(String name) {
        return lookup(name, Type.TXT);
    }

    /** IPv4 addresses of {@code name}, as dotted quads. */
    public CompletableFuture<DnsAnswer> a(String name) {
        return lookup(name, Type.A);
    }

    /** Records of a type: addresses for A and AAAA, target names (with their final dot) for MX and PTR. */
    public CompletableFuture<DnsAnswer> records(String name, int type) {
        return lookup(name, type);
    }

    private CompletableFuture<DnsAnswer> lookup(String name, int type) {
        Name n;
        try {
            n = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(DnsAnswer.failed("bad name " + name));
        }
        return session.lookupAsync(n, type).toCompletableFuture()
                .orTimeout(timeout.toMillis() + 500, TimeUnit.MILLISECONDS)
                .handle((result, failure) -> {
                    if (failure == null) {
                        List<String> values = new ArrayList<>();
                        for (Record r : result.getRecords()) {
                            if (r instanceof TXTRecord txt) {
                                values.add(String.join("", txt.getStrings()));
                            } else if (r instanceof ARecord a) {
                                values.add(a.getAddress().getHostAddress());
                            } else if (r instanceof org.xbill.DNS.AAAARecord a) {
                                values.add(a.getAddress().getHostAddress());
                            } else if (r instanceof org.xbill.DNS.MXRecord mx) {
                                values.add(mx.getTarget().toString());
                            } else if (r instanceof org.xbill.DNS.PTRRecord ptr) {
                                values.add(ptr.getTarget().toString());
                            }
                        }
                        return values.isEmpty() ? DnsAnswer.none() : DnsAnswer.found(values);
                    }
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    if (cause instanceof NoSuchDomainException || cause instanceof NoSuchRRSetException) {
                        return DnsAnswer.none();
                    }
                    if (cause instanceof java.util.concurrent.TimeoutException) {
                        return DnsAnswer.failed("no answer for " + name + " within " + timeout.toMillis() + " ms");
                    }
                    return DnsAnswer.failed(cause.getClass().getSimpleName()
                            + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
                });
    }
}
