package io.cassmail.admin;

import io.cassmail.config.CassMailConfig;
import io.cassmail.config.Settings;
import io.cassmail.delivery.Reconciler;
import io.cassmail.queue.ParkedJob;
import io.cassmail.queue.QueueDepth;
import io.cassmail.queue.RabbitQueues;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

/** {@code queue status|parked|requeue-parked|reconcile}: the delivery, retry and parking queues in RabbitMQ. */
@Command(name = "queue", description = "Inspect the delivery queues and parked jobs.", mixinStandardHelpOptions = true,
        subcommands = {QueueCommand.Status.class, QueueCommand.Parked.class, QueueCommand.Requeue.class,
                QueueCommand.Reconcile.class, QueueMessages.ListDeferred.class, QueueMessages.Retry.class,
                QueueMessages.Delete.class})
final class QueueCommand {

    static String jobId(ParkedJob job) {
        return job.messageId().map(Object::toString).orElse("-");
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
            List<QueueDepth> depths;
            try (RabbitQueues queues = new RabbitQueues(options.load(), "cassmail-admin")) {
                depths = queues.depths();
            }
            Map<String, long[]> unacked = RabbitmqctlQueues.unacknowledged();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (QueueDepth d : depths) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("queue", d.queue());
                row.put("ready", d.ready());
                row.put("unacked", d.ready() != null && unacked.containsKey(d.queue()) ? unacked.get(d.queue())[0] : null);
                row.put("consumers", d.consumers());
                if (d.ready() == null) {
                    row.put("note", "not declared yet (no CassMail process has started with this prefix)");
                }
                rows.add(row);
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
                for (QueueDepth d : depths) {
                    if (d.queue().endsWith(".delivery") && d.ready() != null && d.consumers() != null && d.consumers() == 0) {
                        System.out.println("WARNING: no delivery worker is consuming " + d.queue()
                                + ": accepted mail is not being delivered (start a worker: cassmail-server --roles worker)");
                    }
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
        public Integer call() throws IOException {
            List<Map<String, Object>> rows = new ArrayList<>();
            try (RabbitQueues queues = new RabbitQueues(options.load(), "cassmail-admin")) {
                for (ParkedJob job : queues.parkingLot().parked()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("message_id", jobId(job));
                    row.put("reason", job.reason());
                    row.put("lane", job.lane());
                    row.put("body", job.bodyText());
                    rows.add(row);
                }
            }
            if (json) {
                System.out.println(Json.write(rows));
            } else if (rows.isEmpty()) {
                System.out.println("no parked jobs");
            } else {
                rows.forEach(r -> System.out.println(Printable.of(r.get("message_id")) + "  " + Printable.of(r.get("reason"))));
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
        public Integer call() throws IOException {
            int moved;
            try (RabbitQueues queues = new RabbitQueues(options.load(), "cassmail-admin")) {
                moved = queues.parkingLot().requeue(job -> which.all || jobId(job).equals(which.id));
            }
            if (!which.all && moved == 0) {
                throw new IllegalArgumentException("no parked job for message " + which.id);
            }
            System.out.println("requeued " + moved + " parked job(s)");
            return 0;
        }
    }

    @Command(name = "reconcile", mixinStandardHelpOptions = true,
            description = {"Republish the delivery job of every accepted message whose recipients made no progress "
                    + "(a job lost with a purged queue or a broker's data); delivery is idempotent, so nothing is "
                    + "delivered twice. Reads the accepted_by_minute index, not the whole ledger.",
                    "Workers run the same sweep every reconcile.interval."})
    static final class Reconcile implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Option(names = "--stale-after", paramLabel = "DURATION",
                description = "No progress for this long beyond the expected wait counts as lost (default: reconcile.stale-after, 15m).")
        String staleAfter;
        @Option(names = "--since", paramLabel = "DURATION",
                description = "Look at everything accepted in this past period (e.g. 2d), not only what the last sweep left.")
        String since;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            CassMailConfig config = options.load();
            Duration stale = staleAfter == null ? config.reconcile().staleAfter()
                    : Settings.parseDuration("--stale-after", staleAfter);
            Duration from = since == null ? null : Settings.parseDuration("--since", since);
            Reconciler.Sweep sweep;
            try (StoreAccess store = new StoreAccess(config);
                 RabbitQueues queues = new RabbitQueues(config, "cassmail-admin")) {
                queues.declare();
                sweep = new Reconciler(store.accepted, store.ledger, queues.jobs(), queues.relayJobs(), stale,
                        config.delivery().giveUpAfter(), Clock.systemUTC()).sweep(from);
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("from", Instant.ofEpochSecond(sweep.firstMinute() * 60).toString());
            row.put("to", Instant.ofEpochSecond(sweep.lastMinute() * 60 + 59).toString());
            row.put("examined", sweep.examined());
            row.put("pending", sweep.pending());
            row.put("republished", sweep.republished());
            row.put("overdue", sweep.overdue());
            if (json) {
                System.out.println(Json.write(row));
            } else {
                System.out.printf("accepted %s .. %s: %d message(s) examined, %d pending, %d job(s) republished,"
                        + " %d overdue%n", row.get("from"), row.get("to"), sweep.examined(), sweep.pending(),
                        sweep.republished(), sweep.overdue());
            }
            return 0;
        }
    }
}
