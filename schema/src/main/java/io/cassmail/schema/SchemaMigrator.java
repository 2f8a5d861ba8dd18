package io.cassmail.schema;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies pending CQL files of the mail keyspace once, in order, and records each in {@code schema_migrations}.
 * Run it from one process only (the admin CLI): concurrent DDL from many processes is a Cassandra hazard.
 */
public final class SchemaMigrator {
    private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);
    private static final String RESOURCE_DIR = "/io/cassmail/schema/cql/";
    private static final Duration DDL_TIMEOUT = Duration.ofSeconds(60);

    private final CqlSession session;
    private final String keyspace;
    private final List<Migration> migrations;

    public SchemaMigrator(CqlSession session, String keyspace) {
        this(session, keyspace, bundledMigrations());
    }

    public SchemaMigrator(CqlSession session, String keyspace, List<Migration> migrations) {
        this.session = session;
        this.keyspace = CqlIdentifier.fromInternal(keyspace).asCql(true);
        this.migrations = List.copyOf(migrations);
    }

    /** The CQL files shipped in this build, in the order of {@code migrations.list}. */
    public static List<Migration> bundledMigrations() {
        List<Migration> result = new ArrayList<>();
        for (String line : resource("migrations.list").split("\n")) {
            String name = line.strip();
            if (!name.isEmpty() && !name.startsWith("#")) {
                result.add(Migration.parse(name, resource(name)));
            }
        }
        return result;
    }

    /** The newest version this build knows. */
    public int latestVersion() {
        return migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
    }

    /** Creates the keyspace if needed and applies every pending migration; returns the ones applied now. */
    public List<Migration> apply(Replication replication) {
        execute("CREATE KEYSPACE IF NOT EXISTS " + keyspace + " WITH replication = " + replication.toCql());
        execute("CREATE TABLE IF NOT EXISTS " + keyspace + ".schema_migrations ("
                + "version int PRIMARY KEY, name text, checksum text, applied timestamp)");
        Map<Integer, String> applied = appliedChecksums();
        List<Migration> done = new ArrayList<>();
        for (Migration m : migrations) {
            String checksum = applied.get(m.version());
            if (checksum != null) {
                if (!checksum.equals(m.checksum())) {
                    log.warn("schema file {} changed after it was applied; add a new file instead of editing it", m.name());
                }
                continue;
            }
            log.info("applying schema {} to keyspace {}", m.name(), keyspace);
            for (String statement : m.statements()) {
                execute(qualify(statement));
            }
            if (m.version() == 2) {
                MailboxEntriesCopy.run(session, keyspace);
            }
            if (m.version() == 8) {
                FolderModelCopy.run(session, keyspace);
            }
            whenKnown(() -> session.execute(SimpleStatement.newInstance(
                    "INSERT INTO " + keyspace + ".schema_migrations (version, name, checksum, applied) VALUES (?, ?, ?, ?)",
                    m.version(), m.name(), m.checksum(), Instant.now()).setConsistencyLevel(ConsistencyLevel.QUORUM)));
            done.add(m);
        }
        return done;
    }

    /** The replication of the live keyspace, empty when it does not exist yet. */
    public java.util.Optional<Replication> liveReplication() {
        return session.getMetadata().getKeyspace(keyspace).map(ks -> Replication.fromMetadata(ks.getReplication()));
    }

    /**
     * {@code ALTER KEYSPACE} to the given replication. Data already written reaches its new replicas only after a
     * full repair on every node; the caller must tell the operator so.
     */
    public void alterReplication(Replication replication) {
        execute("ALTER KEYSPACE " + keyspace + " WITH replication = " + replication.toCql());
    }

    /** Version the keyspace is at: 0 when it or its migrations table does not exist. */
    public int currentVersion() {
        boolean tableExists = session.getMetadata().getKeyspace(keyspace)
                .flatMap(ks -> ks.getTable("schema_migrations")).isPresent();
        if (!tableExists) {
            return 0;
        }
        return appliedChecksums().keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** Migrations of this build not yet applied to the keyspace. */
    public List<Migration> pending() {
        Map<Integer, String> applied = currentVersion() == 0 ? Map.of() : appliedChecksums();
        return migrations.stream().filter(m -> !applied.containsKey(m.version())).toList();
    }

    /**
     * Read at ALL when every replica answers: after a replication change and before its repair, only the old
     * replicas hold these rows and a QUORUM read could miss them (and re-apply migrations). QUORUM otherwise.
     */
    private Map<Integer, String> appliedChecksums() {
        try {
            return appliedChecksums(ConsistencyLevel.ALL);
        } catch (com.datastax.oss.driver.api.core.servererrors.QueryExecutionException
                 | com.datastax.oss.driver.api.core.AllNodesFailedException e) {
            return appliedChecksums(ConsistencyLevel.QUORUM);
        }
    }

    private Map<Integer, String> appliedChecksums(ConsistencyLevel level) {
        Map<Integer, String> result = new HashMap<>();
        for (Row row : whenKnown(() -> session.execute(SimpleStatement.newInstance(
                "SELECT version, checksum FROM " + keyspace + ".schema_migrations").setConsistencyLevel(level)))) {
            result.put(row.getInt("version"), row.getString("checksum"));
        }
        return result;
    }

    private String qualify(String statement) {
        return statement.replaceFirst("(?i)^(CREATE TABLE IF NOT EXISTS|CREATE TABLE|ALTER TABLE|DROP TABLE IF EXISTS|CREATE INDEX IF NOT EXISTS [A-Za-z0-9_]+ ON)\\s+",
                "$1 " + keyspace + ".");
    }

    /**
     * Runs one DDL statement and waits, up to a minute, until every node agrees on the schema: a statement that
     * reads or writes a table right after it was created must not reach a node that has not heard of it yet
     * (a busy three-node ring answered "table schema_migrations does not exist" without the wait).
     */
    private void execute(String cql) {
        whenKnown(() -> session.execute(SimpleStatement.newInstance(cql).setTimeout(DDL_TIMEOUT)));
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (!session.checkSchemaAgreement()) {
            if (System.nanoTime() - deadline > 0) {
                log.warn("schema not agreed across the cluster a minute after: {}", cql.lines().findFirst().orElse(cql));
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Runs a statement, again for up to a minute while the node it reaches answers that a table or keyspace does
     * not exist: schema agreement covers only the nodes the driver knows as up, and a node of a ring that is still
     * starting (the Docker ring's schema job) may coordinate before it has heard of a table created a moment ago.
     */
    private <T> T whenKnown(java.util.function.Supplier<T> statement) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return statement.get();
            } catch (com.datastax.oss.driver.api.core.servererrors.InvalidQueryException e) {
                String message = String.valueOf(e.getMessage());
                if (!message.contains("does not exist") || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                log.info("schema not known yet where the statement ran ({}); trying again", message);
                try {
                    Thread.sleep(500);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static String resource(String name) {
        try (InputStream in = SchemaMigrator.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("schema file missing from the build: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
