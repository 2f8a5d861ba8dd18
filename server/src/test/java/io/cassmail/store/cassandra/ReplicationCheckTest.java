package io.cassmail.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.schema.Replication;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What cluster status and schema apply tell an operator about replication against the ring's nodes. */
class ReplicationCheckTest {

    private static ReplicationCheck check(String replication, Map<String, Integer> nodes) {
        return new ReplicationCheck("cassmail", Replication.parse(replication), nodes);
    }

    @Test
    void oneReplicaOnAThreeNodeRingIsWarnedAboutWithTheCommandsThatRaiseIt() {
        assertThat(check("SimpleStrategy:1", Map.of("datacenter1", 3)).warnings()).singleElement().asString()
                .contains("only 1 replica(s) in datacenter1 on 3 nodes")
                .contains("schema apply --set replication=datacenter1:3")
                .contains("nodetool repair -full cassmail");
    }

    @Test
    void moreReplicasThanNodesIsWarnedAboutWithWhatFails() {
        assertThat(check("dc1:3", Map.of("dc1", 1)).warnings()).singleElement().asString()
                .contains("wants 3 replicas in dc1 but dc1 has 1 node(s)")
                .contains("every read and write fails");
        assertThat(check("dc1:5", Map.of("dc1", 4)).warnings()).singleElement().asString()
                .contains("so 2 node(s) down stop all mail");
    }

    @Test
    void aDatacenterWithoutReplicasIsWarnedAbout() {
        assertThat(check("dc1:3", Map.of("dc1", 3, "dc2", 3)).warnings()).singleElement().asString()
                .contains("keeps no replica(s) in dc2");
    }

    @Test
    void replicationThatFitsTheRingIsQuiet() {
        assertThat(check("dc1:3", Map.of("dc1", 3)).warnings()).isEmpty();
        assertThat(check("dc1:3", Map.of("dc1", 5)).warnings()).isEmpty();
        assertThat(check("SimpleStrategy:1", Map.of("datacenter1", 1)).warnings()).isEmpty();
    }

    @Test
    void liveReplicationReadsBackAsTheSettingItCameFrom() {
        assertThat(Replication.fromMetadata(Map.of("class", "org.apache.cassandra.locator.NetworkTopologyStrategy",
                "dc1", "3", "dc2", "2"))).isEqualTo(Replication.parse("dc1:3,dc2:2"));
        assertThat(Replication.fromMetadata(Map.of("class", "org.apache.cassandra.locator.SimpleStrategy",
                "replication_factor", "1")).toSetting()).isEqualTo("SimpleStrategy:1");
    }
}
