package io.cassmail.admin;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.cassmail.config.CassMailConfig;
import io.cassmail.queue.BrokerConnection;
import io.cassmail.queue.DeliveryJob;
import io.cassmail.queue.QueueTopology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code queue status|parked|requeue-parked}: the delivery, retry and parking queues in RabbitMQ. */
@Command(name = "queue", description = "Inspect the delivery queues and parked jobs.", mixinStandardHelpOptions = true,
        subcommands = {QueueCommand.Status.class, QueueCommand.Parked.class, QueueCommand.Requeue.class})
final class QueueCommand {

    static QueueTopology topology(CassMailConfig c) {
        return new QueueTopology(c.amqp().queuePrefix(), c.delivery().retryDelays(), c.delivery().deliveryLimit());
    }

    static Connection connect(CassMailConfig c) {
        var factory = BrokerConnection.factory(c.amqp().uri());
        factory.setConnectionTimeout(5000);
        try {
            return factory.newConnection("cassmail-admin");
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot reach RabbitMQ at " + factory.getHost() + ":" + factory.getPort()
                    + " (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
    }

    /** The reason a job was parked: ours, or the broker's dead-letter reason. */
    static String reason(AMQP.BasicProperties props) {
        Map<String, Object> h = props.getHeaders();
        if (h == null) {
            return "unknown";
        }
        if (h.get("x-cassmail-reason") != null) {
            return h.get("x-cassmail-reason").toString();
        }
        if (h.get("x-first-death-reason") != null) {
            return "dead-lettered: " + h.get("x-first-death-reason") + " (the job kept failing; see the worker log)";
        }
        return "unknown";
    }

    static String jobId(byte[] body) {
        try {
            return DeliveryJob.decode(body).messageId().toString();
        } catch (IllegalArgumentException e) {
            return "-";
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Ready and unacknowledged messages and consumers of each CassMail queue.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            CassMailConfig c = options.load();
            QueueTopology t = topology(c);
            List<String> names = new ArrayList<>(List.of(t.deliveryQueue(), t.parkingQueue()));
            names.addAll(t.retryQueues());
            Map<String, long[]> unacked = RabbitmqctlQueues.unacknowledged();
            List<Map<String, Object>> rows = new ArrayList<>();
            try (Connection conn = connect(c)) {
                for (String name : names) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("queue", name);
                    try (Channel ch = conn.createChannel()) {
                        AMQP.Queue.DeclareOk ok = ch.queueDeclarePassive(name);
                        row.put("ready", ok.getMessageCount());
                        row.put("unacked", unacked.containsKey(name) ? unacked.get(name)[0] : null);
                        row.put("consumers", ok.getConsumerCount());
                    } catch (IOException e) {
                        row.put("ready", null);
                        row.put("unacked", null);
                        row.put("consumers", null);
                        row.put("note", "not declared yet (no CassMail process has started with this prefix)");
                    } catch (java.util.concurrent.TimeoutException e) {
                        throw new IOException(e);
                    }
                    rows.add(row);
                }
            }
            if (json) {
                System.out.println(Json.write(rows));
            } else {
                System.out.printf("%-40s %8s %8s %9s%n", "QUEUE", "READY", "UNACKED", "CONSUMERS");
                for (Map<String, Object> r : rows) {
                    System.out.printf("%-40s %8s %8s %9s%n", r.get("queue"), dash(r.get("ready")), dash(r.get("unacked")),
                            dash(r.get("consumers")));
                }
                if (unacked.isEmpty()) {
                    System.out.println("(UNACKED needs rabbitmqctl on this host; shown as - otherwise)");
                }
            }
            return 0;
        }

        private static Object dash(Object o) {
            return o == null ? "-" : o;
        }
    }

    @Command(name = "parked", mixinStandardHelpOptions = true, description = "List parked jobs with the reason they were parked.")
    static final class Parked implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            CassMailConfig c = options.load();
            List<Map<String, Object>> rows = new ArrayList<>();
            try (Connection conn = connect(c); Channel ch = conn.createChannel()) {
                GetResponse r;
                // read without ack; closing the channel returns every job to the parking queue
                while ((r = ch.basicGet(topology(c).parkingQueue(), false)) != null) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("message_id", jobId(r.getBody()));
                    row.put("reason", reason(r.getProps()));
                    row.put("body", new String(r.getBody(), StandardCharsets.UTF_8).strip().replace('\n', ' '));
                    rows.add(row);
                }
            }
            if (json) {
                System.out.println(Json.write(rows));
            } else if (rows.isEmpty()) {
                System.out.println("no parked jobs");
            } else {
                rows.forEach(r -> System.out.println(r.get("message_id") + "  " + r.get("reason")));
            }
            return 0;
        }
    }

    @Command(name = "requeue-parked", mixinStandardHelpOptions = true,
            description = "Move parked jobs back to the delivery queue: one message ID, or --all.")
    static final class Requeue implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @ArgGroup(exclusive = true, multiplicity = "1")
        Which which;

        static final class Which {
            @Parameters(paramLabel = "ID", description = "Message id of the parked job.")
            String id;
            @Option(names = "--all", description = "Every parked job.")
            boolean all;
        }

        @Override
        public Integer call() throws Exception {
            CassMailConfig c = options.load();
            QueueTopology t = topology(c);
            int moved = 0;
            try (Connection conn = connect(c); Channel ch = conn.createChannel()) {
                ch.confirmSelect();
                GetResponse r;
                while ((r = ch.basicGet(t.parkingQueue(), false)) != null) {
                    if (which.all || jobId(r.getBody()).equals(which.id)) {
                        ch.basicPublish("", t.deliveryQueue(), MessageProperties.PERSISTENT_BASIC, r.getBody());
                        ch.waitForConfirmsOrDie(10_000);
                        ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
                        moved++;
                    }
                }
            }
            if (!which.all && moved == 0) {
                throw new IllegalArgumentException("no parked job for message " + which.id);
            }
            System.out.println("requeued " + moved + " parked job(s)");
            return 0;
        }
    }
}
