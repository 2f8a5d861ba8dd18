package io.cassmail.admin;

import io.cassmail.config.CassMailConfig;
import io.cassmail.config.Settings;
import io.cassmail.operations.Actor;
import io.cassmail.operations.QueueOperations;
import io.cassmail.queue.RabbitQueues;
import java.io.IOException;
import java.time.Duration;
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

    /** The queue operations that read only: no Cassandra, so no audit trail and no reconciler. */
    static QueueOperations readOnly(RabbitQueues queues) {
        return new QueueOperations(queues::depths, queues.parkingLot(), null, null);
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
            List<QueueOperations.Queue> queues;
            try (RabbitQueues rabbit = new RabbitQueues(options.load(), "cassmail-admin")) {
                queues = readOnly(rabbit).status();
            }
            Map<String, long[]> unacked = RabbitmqctlQueues.unacknowledged();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (QueueOperations.Queue d : queues) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("queue", d.queue());
                row.put("ready", d.ready());
                row.put("unacked", d.ready() != null && unacked.containsKey(d.queue()) ? unacked.get(d.queue())[0] : null);
                row.put("consumers", d.consumers());
                if (d.note() != null) {
                    row.put("note", d.note());
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
                QueueOperations.warnings(queues).forEach(w -> System.out.println("WARNING: " + w));
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
                for (QueueOperations.Parked job : readOnly(queues).parked()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("message_id", job.messageId());
                    row.put("reason", job.reason());
                    row.put("lane", job.lane());
                    row.put("body", job.body());
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
            CassMailConfig config = options.load();
            try (StoreAccess store = new StoreAccess(config);
                 RabbitQueues queues = new RabbitQueues(config, "cassmail-admin")) {
                moved = store.operations(queues).queue().requeue(Actor.cli(), which.all ? null : which.id);
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
            QueueOperations.Reconciled sweep;
            try (StoreAccess store = new StoreAccess(config);
                 RabbitQueues queues = new RabbitQueues(config, "cassmail-admin")) {
                queues.declare();
                sweep = store.operations(queues).queue().reconcile(Actor.cli(), stale, from);
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("from", sweep.from());
            row.put("to", sweep.to());
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
