package io.cassmail.dns;

import java.util.List;

/**
 * One DNS lookup's outcome as mail checks need it: records found, none (NXDOMAIN or no record of the type, which
 * SPF, DKIM, DMARC and DNS blocklists all read as "nothing published"), or a failure (timeout, SERVFAIL), which they
 * read as a temporary error.
 */
public record DnsAnswer(Status status, List<String> values, String error) {
    public enum Status { FOUND, NONE, FAILED }

    public static DnsAnswer found(List<String> values) {
        return new DnsAnswer(Status.FOUND, List.copyOf(values), null);
    }

    public static DnsAnswer none() {
        return new DnsAnswer(Status.NONE, List.of(), null);
    }

    public static DnsAnswer failed(String error) {
        return new DnsAnswer(Status.FAILED, List.of(), error);
    }
}
