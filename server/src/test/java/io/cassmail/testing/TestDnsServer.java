package io.cassmail.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

/**
 * A real DNS server on a loopback UDP port for the relay's tests: answers from the records it was given (with an
 * SOA in the authority section for NODATA and NXDOMAIN, as a real zone does), SERVFAIL for the names told to fail,
 * NXDOMAIN for everything else. Built on dnsjava's wire format.
 */
public final class TestDnsServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
    private final Set<Name> failing = ConcurrentHashMap.newKeySet();
    private final Set<Name> existing = ConcurrentHashMap.newKeySet();
    private final Thread thread;

    public TestDnsServer() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "test-dns");
        thread.setDaemon(true);
        thread.start();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
    }

    /** Adds a record given in zone-file syntax, e.g. {@code remote.test. 300 IN MX 10 mx.remote.test.}. */
    public TestDnsServer record(String zoneLine) throws IOException {
        String[] p = zoneLine.trim().split("\\s+", 5);
        Name name = Name.fromString(p[0]);
        Record r = Record.fromString(name, org.xbill.DNS.Type.value(p[3]), DClass.IN, Long.parseLong(p[1]), p[4], Name.root);
        records.computeIfAbsent(name, n -> new ArrayList<>()).add(r);
        existing.add(name);
        return this;
    }

    /** A name whose every query gets SERVFAIL. */
    public TestDnsServer failing(String name) throws IOException {
        failing.add(Name.fromString(name));
        return this;
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                byte[] answer = answer(query).toWire(512);
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private Message answer(Message query) throws IOException {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
            response.getHeader().setFlag(Flags.RA);
        }
        Record question = query.getQuestion();
        response.addRecord(question, Section.QUESTION);
        Name name = question.getName();
        if (failing.contains(name)) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
            return response;
        }
        List<Record> matching = records.getOrDefault(name, List.of()).stream()
                .filter(r -> r.getType() == question.getType()).toList();
        if (matching.isEmpty()) {
            // an alias answers every type with its CNAME; the resolver follows it (RFC 1034 §3.6.2)
            matching = records.getOrDefault(name, List.of()).stream()
                    .filter(r -> r.getType() == org.xbill.DNS.Type.CNAME).toList();
        }
        matching.forEach(r -> response.addRecord(r, Section.ANSWER));
        if (matching.isEmpty()) {
            if (!existing.contains(name)) {
                response.getHeader().setRcode(Rcode.NXDOMAIN);
            }
            Name zone = name.labels() > 2 ? new Name(name, name.labels() - 3) : name;
            response.addRecord(new SOARecord(zone, DClass.IN, 60, Name.fromString("ns." + zone),
                    Name.fromString("hostmaster." + zone), 1, 3600, 600, 86400, 60), Section.AUTHORITY);
        }
        return response;
    }

    @Override
    public void close() {
        socket.close();
    }
}
