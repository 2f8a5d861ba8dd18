package io.cassmail.inbound;

import io.cassmail.dns.DnsAnswer;
import io.cassmail.dns.DnsClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import org.xbill.DNS.Type;

/**
 * jSPF's DNS on CassMail's {@link DnsClient}: its servers, its timeout and its cache, so a sender's SPF record is
 * asked once per TTL, not once per message. The obsolete SPF record type (RFC 7208 §3.1: not to be used) is never
 * asked for; jSPF then reads the TXT record. No answer is "none" (null, as jSPF's own service returns it); a
 * failed lookup is a timeout, which jSPF turns into temperror.
 */
final class JspfDns implements DNSService {
    private final DnsClient dns;
    private int recordLimit = 10;
    /** When the evaluation running on this thread must end (nanoTime), or 0 for none. */
    private final ThreadLocal<long[]> deadline = ThreadLocal.withInitial(() -> new long[1]);

    /** Every lookup of the evaluation this thread starts now must be done within {@code limitNanos}. */
    void startEvaluation(long limitNanos) {
        deadline.get()[0] = System.nanoTime() + limitNanos;
    }

    JspfDns(DnsClient dns) {
        this.dns = dns;
    }

    @Override
    public List<String> getRecords(DNSRequest request) throws TimeoutException {
        int type = switch (request.getRecordType()) {
            case DNSRequest.A -> Type.A;
            case DNSRequest.AAAA -> Type.AAAA;
            case DNSRequest.MX -> Type.MX;
            case DNSRequest.PTR -> Type.PTR;
            case DNSRequest.TXT -> Type.TXT;
            default -> -1;
        };
        if (type < 0) {
            return null;
        }
        long end = deadline.get()[0];
        if (end != 0 && System.nanoTime() - end > 0) {
            throw new TimeoutException("the SPF evaluation ran out of time (10 lookups' worth)");
        }
        DnsAnswer answer = dns.records(request.getHostname(), type).join();
        if (answer.status() == DnsAnswer.Status.FAILED) {
            throw new TimeoutException(answer.error());
        }
        return answer.status() == DnsAnswer.Status.NONE ? null : answer.values();
    }

    @Override
    public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
        try {
            return CompletableFuture.completedFuture(getRecords(request));
        } catch (TimeoutException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public List<String> getLocalDomainNames() {
        return List.of();
    }

    @Override
    public void setTimeOut(int seconds) {
        // the DnsClient's own timeout applies
    }

    @Override
    public int getRecordLimit() {
        return recordLimit;
    }

    @Override
    public void setRecordLimit(int limit) {
        this.recordLimit = limit;
    }
}
