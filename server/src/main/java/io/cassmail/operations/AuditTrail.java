package io.cassmail.operations;

import io.cassmail.store.AdminStore;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every change made through the operations layer, done or refused, to the {@code audit_log} table and to the
 * {@code cassmail.audit} logger (an entry the table cannot take is still in the log).
 */
public final class AuditTrail {
    private static final Logger log = LoggerFactory.getLogger("cassmail.audit");

    private final AdminStore store;
    private final Clock clock;

    public AuditTrail(AdminStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Records {@code action} on {@code target} by {@code actor}; {@code outcome} is "ok" or the refusal's sentence. */
    public void record(Actor actor, String action, String target, String outcome) {
        log.info("{} from {}: {} {}: {}", actor.name(), actor.from(), action, target, outcome);
        try {
            store.audit(new AdminStore.AuditEntry(clock.instant(), actor.name(), action, target, actor.from(), outcome));
        } catch (RuntimeException e) {
            log.error("audit entry not stored ({} {} by {}): {}", action, target, actor.name(), e.getMessage());
        }
    }

    /** Runs a change and records it, with the refusal's sentence when it throws. */
    <T> T change(Actor actor, String action, String target, java.util.function.Supplier<T> change) {
        try {
            T result = change.get();
            record(actor, action, target, "ok");
            return result;
        } catch (OperationException e) {
            record(actor, action, target, "refused: " + e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            record(actor, action, target, "failed: " + e.getMessage());
            throw e;
        }
    }
}
