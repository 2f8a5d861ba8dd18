package io.cassmail.inbound.milter;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** One milter as Postfix names it (RFC-less; Postfix's {@code smtpd_milters} syntax): {@code inet:host:port}. */
public record MilterAddress(String text, InetSocketAddress address) {

    /** Parses a comma- or space-separated list of {@code inet:host:port}; throws IllegalArgumentException with a sentence. */
    public static List<MilterAddress> parseList(String value) {
        List<MilterAddress> result = new ArrayList<>();
        for (String part : value.split("[,\\s]+")) {
            if (part.isBlank()) {
                continue;
            }
            String p = part.strip();
            if (!p.startsWith("inet:")) {
                throw new IllegalArgumentException("milter '" + p + "' must be inet:host:port"
                        + (p.startsWith("unix:") ? " (unix sockets are not supported; listen on 127.0.0.1)" : ""));
            }
            String hostPort = p.substring("inet:".length());
            int colon = hostPort.lastIndexOf(':');
            try {
                if (colon <= 0) {
                    throw new NumberFormatException();
                }
                String host = hostPort.substring(0, colon);
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                int port = Integer.parseInt(hostPort.substring(colon + 1));
                result.add(new MilterAddress(p, InetSocketAddress.createUnresolved(host, port)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("milter '" + p + "' must be inet:host:port");
            }
        }
        return List.copyOf(result);
    }
}
