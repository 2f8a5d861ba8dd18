package io.cassmail.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.testing.ExternalCommand;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * "Durable" means on disk with one node: the local Cassandra launcher gives a single node group commit (synced before
 * a write is acknowledged) and a ring the periodic sync, as README "Reliability" says; asked of the real script.
 */
class CommitLogSyncTest {
    private static String commitlog(String nodes) throws Exception {
        // make test sets its own choice for the throw-away test node; here the defaults are asked for
        ExternalCommand.Result r = ExternalCommand.run(List.of("../tools/cassandra-local", "commitlog", "--nodes", nodes),
                java.util.Map.of("CASSANDRA_LOCAL_COMMITLOG_SYNC", ""), null, 60);
        assertThat(r.exit()).as(r.output()).isZero();
        return r.output();
    }

    @Test
    void oneNodeSyncsBeforeAcknowledgingAndARingSyncsPeriodically() throws Exception {
        assertThat(commitlog("1")).contains("commitlog_sync: group").contains("commitlog_sync_group_window: 15ms");
        assertThat(commitlog("3")).contains("commitlog_sync: periodic").doesNotContain("group");
    }
}
