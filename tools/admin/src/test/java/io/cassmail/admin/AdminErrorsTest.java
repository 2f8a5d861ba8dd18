package io.cassmail.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import org.junit.jupiter.api.Test;

class AdminErrorsTest {
    @Test
    void aQuorumThatCannotBeReachedSaysHowManyNodesAreUpAndWhatToDo() {
        RuntimeException wrapped = new RuntimeException("schema apply failed",
                new UnavailableException(null, DefaultConsistencyLevel.QUORUM, 2, 1));
        assertThat(AdminErrors.sentence(wrapped)).startsWith("Cassandra cannot answer at QUORUM: it needs 2 replicas")
                .contains("only 1 is up").contains("No node this process knows of is down")
                .contains("tools/cassandra-local start");
    }

    @Test
    void theNodesTheSessionSeesDownAreNamed() {
        AdminErrors.downNodesFrom(() -> java.util.List.of("127.0.0.2:9042 (DOWN)", "127.0.0.3:9042 (DOWN)"));
        try {
            RuntimeException wrapped = new RuntimeException(new UnavailableException(null, DefaultConsistencyLevel.QUORUM,
                    2, 1));
            assertThat(AdminErrors.sentence(wrapped)).contains("Down (2): 127.0.0.2:9042 (DOWN), 127.0.0.3:9042 (DOWN).")
                    .contains("Start them");
        } finally {
            AdminErrors.downNodesFrom(java.util.List::of);
        }
    }

    @Test
    void otherErrorsKeepTheirMessage() {
        assertThat(AdminErrors.sentence(new IllegalArgumentException("no such user"))).isEqualTo("no such user");
    }
}
