package io.cassmail.admin;

import io.cassmail.store.cassandra.ReplicationCheck;
import com.datastax.oss.driver.api.core.CqlSession;
import io.cassmail.config.CassMailConfig;
import io.cassmail.schema.Migration;
import io.cassmail.schema.Replication;
import io.cassmail.schema.SchemaMigrator;
import io.cassmail.store.cassandra.CassandraConnector;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code schema apply|status}: the one place schema changes run. */
@Command(name = "schema", description = "Apply or inspect the mail keyspace schema.",
        subcommands = {SchemaCommand.Apply.class, SchemaCommand.Status.class}, mixinStandardHelpOptions = true)
final class SchemaCommand {

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Create the keyspace (with the configured replication) and apply pending CQL files.")
    static final class Apply implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;

        @Override
        public Integer call() {
            CassMailConfig config = options.load();
            try (CqlSession session = CassandraConnector.connectWithoutKeyspace(config.cassandra())) {
                AdminErrors.downNodesFrom(() -> io.cassmail.store.cassandra.UnavailableReplicas.downNodes(session));
                String keyspace = config.cassandra().keyspace();
                SchemaMigrator migrator = new SchemaMigrator(session, keyspace);
                Replication wanted = config.cassandra().replication();
                Optional<Replication> live = migrator.liveReplication();
                // migrations first, read under the replication the data was written with: right after a change
                // a QUORUM read can miss rows that only a repair copies to the new replicas
                List<Migration> applied = migrator.apply(wanted);
                Replication effective = live.orElse(wanted);
                if (live.isPresent() && !live.get().equals(wanted)) {
                    if (options.given("replication")) {
                        migrator.alterReplication(wanted);
                        effective = wanted;
                        System.out.println("replication of keyspace " + keyspace + " changed from "
                                + live.get().toSetting() + " to " + wanted.toSetting());
                        System.out.println("  mail written before reaches its new replicas only after a full repair:"
                                + " run `nodetool repair -full " + keyspace + "` on every node, one node at a time"
                                + " (make ring: tools/cassandra-local nodetool I repair -full " + keyspace + ")");
                    } else {
                        System.out.println("keyspace " + keyspace + " keeps its replication " + live.get().toSetting()
                                + " (the replication setting was not given; to change it: schema apply --set"
                                + " replication=" + wanted.toSetting() + " or CASSMAIL_REPLICATION)");
                    }
                }
                new ReplicationCheck(keyspace, effective, ReplicationCheck.nodesPerDc(session)).warnings()
                        .forEach(w -> System.out.println("WARNING: " + w));
                for (Migration m : applied) {
                    System.out.println("applied " + m.name());
                }
                System.out.println("keyspace " + config.cassandra().keyspace() + " is at schema version "
                        + migrator.currentVersion() + (applied.isEmpty() ? " (nothing to apply)" : ""));
            }
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show the applied and pending schema versions.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ConnectionOptions options;

        @Override
        public Integer call() {
            CassMailConfig config = options.load();
            try (CqlSession session = CassandraConnector.connectWithoutKeyspace(config.cassandra())) {
                AdminErrors.downNodesFrom(() -> io.cassmail.store.cassandra.UnavailableReplicas.downNodes(session));
                SchemaMigrator migrator = new SchemaMigrator(session, config.cassandra().keyspace());
                List<Migration> pending = migrator.pending();
                System.out.println("keyspace " + config.cassandra().keyspace() + ": version " + migrator.currentVersion()
                        + ", this build knows " + migrator.latestVersion());
                pending.forEach(m -> System.out.println("pending " + m.name()));
                return pending.isEmpty() ? 0 : 3;
            }
        }
    }
}
