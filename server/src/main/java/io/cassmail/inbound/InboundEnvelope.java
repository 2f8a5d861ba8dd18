package io.cassmail.inbound;

import java.net.InetAddress;
import java.util.List;

/** What the MX knows of a message when DATA starts: the client, its HELO, the envelope and the queue id. */
public record InboundEnvelope(InetAddress client, int clientPort, String helo, String mailFrom, List<String> recipients,
                              String queueId) {
}
