package io.cassmail.admin;

import io.cassmail.config.CassMailConfig;
import io.cassmail.config.Settings;
import io.cassmail.mail.MessageIds;
import io.cassmail.mailbox.BodyLifetime;
import io.cassmail.queue.DeliveryJob;
import io.cassmail.queue.RabbitQueues;
import io.cassmail.store.AcceptedLog;
import io.cassmail.store.DeliveryRecord;
import io.cassmail.store.DeliveryStatus;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code queue list --deferred}, {@code queue retry ID}, {@code queue delete ID}: the operator's view of messages
 * still on their way (Postfix's {@code mailq} / {@code postsuper}), read from the accepted_by_minute index and the
 * ledger, not from the broker.
 */
final class QueueMessages {

    private QueueMessages() {
    }

    static UUID messageId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + id + "' is not a message id (a UUID, as in '250 2.0.0 Ok: queued as ...')");
        }
    }

    static List<DeliveryRecord> pending(StoreAccess store, UUID id) {
        if (store.messages.find(id).isEmpty()) {
            throw new IllegalArgumentException("no such message: " + id);
        }
        return store.ledger.records(id).stream().filter(r -> !r.status().isFinal()).toList();
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List recipients not delivered yet, with their status, attempts, last reply and next attempt.")
    static final class ListDeferred implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Option(names = "--deferred", description = "Only recipients that failed at least once (RETRYING).")
        boolean deferredOnly;
        @Option(names = "--since", paramLabel = "DURATION", description = "Messages accepted in this past period (default: delivery.give-up-after).")
        String since;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            CassMailConfig config = options.load();
            Duration window = since == null ? config.delivery().giveUpAfter() : Settings.parseDuration("--since", since);
            Instant now = Instant.now();
            List<Map<String, Object>> rows = new ArrayList<>();
            try (StoreAccess store = new StoreAccess(config)) {
                Set<UUID> ids = new LinkedHashSet<>();
                for (long m = AcceptedLog.minuteOf(now.minus(window)); m <= AcceptedLog.minuteOf(now); m++) {
                    ids.addAll(store.accepted.in(m)); // pending messages are re-recorded under later minutes: dedupe
                }
                List<Duration> delays = config.delivery().retryDelays();
                for (UUID id : ids) {
                    for (DeliveryRecord r : store.ledger.records(id)) {
                        if (r.status().isFinal() || (deferredOnly && r.status() != DeliveryStatus.RETRYING)) {
                            continue;
                        }
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("id", id.toString());
                        row.put("accepted", Instant.ofEpochMilli(MessageIds.unixMillis(id)).toString());
                        row.put("recipient", r.recipient());
                        row.put("lane", r.isRemote() ? "relay" : "delivery");
                        row.put("status", r.status().name());
                        row.put("attempts", r.attempts());
                        row.put("last_error", r.lastError());
                        Instant next = r.status() == DeliveryStatus.RETRYING && r.updated() != null
                                ? r.updated().plus(delays.get(Math.min(Math.max(1, r.attempts()), delays.size()) - 1)) : now;
                        row.put("next_attempt", next.isAfter(now) ? next.toString() : "now");
                        rows.add(row);
                    }
                }
            }
            if (json) {
                System.out.println(Json.write(rows));
            } else if (rows.isEmpty()) {
                System.out.println("no " + (deferredOnly ? "deferred" : "pending") + " recipients among messages accepted in the last " + window);
            } else {
                for (Map<String, Object> r : rows) {
                    System.out.printf("%s  %-8s %-40s %-9s attempts %s, next %s%n    %s%n", r.get("id"), r.get("lane"),
                            Printable.of(r.get("recipient")), r.get("status"), r.get("attempts"), r.get("next_attempt"),
                            r.get("last_error") == null ? "(no attempt yet)" : Printable.of(r.get("last_error")));
                }
                System.out.println(rows.size() + " recipient(s)");
            }
            return 0;
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Try the message's pending recipients again now (publishes its job on each lane that has some).")
    static final class Retry implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() throws IOException {
            UUID messageId = messageId(id);
            CassMailConfig config = options.load();
            try (StoreAccess store = new StoreAccess(config); RabbitQueues queues = new RabbitQueues(config, "cassmail-admin")) {
                List<DeliveryRecord> open = pending(store, messageId);
                if (open.isEmpty()) {
                    throw new IllegalArgumentException("message " + messageId + " has no pending recipient");
                }
                queues.declare();
                int attempts = open.stream().mapToInt(DeliveryRecord::attempts).max().orElse(0);
                DeliveryJob job = new DeliveryJob(messageId, attempts, Instant.ofEpochMilli(MessageIds.unixMillis(messageId)));
                if (open.stream().anyMatch(r -> !r.isRemote())) {
                    queues.jobs().publish(job);
                }
                if (open.stream().anyMatch(DeliveryRecord::isRemote)) {
                    queues.relayJobs().publish(job);
                }
                System.out.println("message " + messageId + ": " + open.size() + " pending recipient(s) queued for another attempt now");
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Give up on the message's pending recipients without a bounce (postsuper -d); delivered copies stay.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            UUID messageId = messageId(id);
            try (StoreAccess store = new StoreAccess(options.load())) {
                List<DeliveryRecord> open = pending(store, messageId);
                if (open.isEmpty()) {
                    throw new IllegalArgumentException("message " + messageId + " has no pending recipient");
                }
                for (DeliveryRecord r : open) {
                    store.ledger.update(messageId, r.recipient(), DeliveryStatus.BOUNCED, r.attempts(),
                            "deleted from the queue by the operator (no DSN sent)");
                }
                boolean collected = new BodyLifetime(store.stores.folders(), store.ledger, store.messages).collect(messageId);
                System.out.println("message " + messageId + ": gave up on " + open.size() + " recipient(s)"
                        + (collected ? "; the message is deleted" : "; delivered copies stay"));
            }
            return 0;
        }
    }
}
