package io.cassmail.store.cassandra;

import static io.cassmail.store.cassandra.CassandraCalls.call;
import static io.cassmail.store.cassandra.CassandraCalls.run;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import io.cassmail.store.AdminStore;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link AdminStore} on the {@code admins}, {@code admin_tokens*}, {@code web_sessions} and {@code audit_log} tables. */
public final class CassandraAdminStore implements AdminStore {
    private final CqlSession session;
    private final PreparedStatement selectAdmin;
    private final PreparedStatement insertAdmin;
    private final PreparedStatement deleteAdmin;
    private final PreparedStatement selectAdmins;
    private final PreparedStatement insertToken;
    private final PreparedStatement insertTokenByAdmin;
    private final PreparedStatement selectToken;
    private final PreparedStatement selectTokensByAdmin;
    private final PreparedStatement deleteToken;
    private final PreparedStatement deleteTokenByAdmin;
    private final PreparedStatement insertSession;
    private final PreparedStatement selectSession;
    private final PreparedStatement deleteSession;
    private final PreparedStatement insertAudit;
    private final PreparedStatement selectAudit;

    public CassandraAdminStore(CqlSession session) {
        this.session = session;
        selectAdmin = session.prepare("SELECT name, password_hash, created FROM admins WHERE name = ?");
        insertAdmin = session.prepare("INSERT INTO admins (name, password_hash, created) VALUES (?, ?, ?)");
        deleteAdmin = session.prepare("DELETE FROM admins WHERE name = ?");
        selectAdmins = session.prepare("SELECT name FROM admins");
        insertToken = session.prepare("INSERT INTO admin_tokens (token_hash, admin, label, created) VALUES (?, ?, ?, ?)");
        insertTokenByAdmin = session.prepare(
                "INSERT INTO admin_tokens_by_admin (admin, token_hash, label, created) VALUES (?, ?, ?, ?)");
        selectToken = session.prepare("SELECT token_hash, admin, label, created FROM admin_tokens WHERE token_hash = ?");
        selectTokensByAdmin = session.prepare(
                "SELECT token_hash, admin, label, created FROM admin_tokens_by_admin WHERE admin = ?");
        deleteToken = session.prepare("DELETE FROM admin_tokens WHERE token_hash = ?");
        deleteTokenByAdmin = session.prepare("DELETE FROM admin_tokens_by_admin WHERE admin = ? AND token_hash = ?");
        insertSession = session.prepare(
                "INSERT INTO web_sessions (id_hash, principal, kind, csrf, created) VALUES (?, ?, ?, ?, ?) USING TTL ?");
        selectSession = session.prepare("SELECT principal, kind, csrf, created FROM web_sessions WHERE id_hash = ?");
        deleteSession = session.prepare("DELETE FROM web_sessions WHERE id_hash = ?");
        insertAudit = session.prepare(
                "INSERT INTO audit_log (day, at, actor, action, target, remote, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)");
        selectAudit = session.prepare(
                "SELECT at, actor, action, target, remote, outcome FROM audit_log WHERE day = ? LIMIT ?");
    }

    @Override
    public Optional<AdminAccount> admin(String name) {
        Row r = call(() -> session.execute(selectAdmin.bind(name)).one());
        return r == null ? Optional.empty()
                : Optional.of(new AdminAccount(r.getString("name"), r.getString("password_hash"), r.getInstant("created")));
    }

    @Override
    public void putAdmin(AdminAccount admin) {
        run(() -> session.execute(insertAdmin.bind(admin.name(), admin.passwordHash(), admin.created())));
    }

    @Override
    public boolean removeAdmin(String name) {
        boolean existed = admin(name).isPresent();
        for (ApiToken t : tokens(name)) {
            removeToken(t.hash());
        }
        run(() -> session.execute(deleteAdmin.bind(name)));
        return existed;
    }

    @Override
    public List<String> admins() {
        List<String> names = new ArrayList<>();
        call(() -> session.execute(selectAdmins.bind())).forEach(r -> names.add(r.getString("name")));
        names.sort(null);
        return names;
    }

    @Override
    public void putToken(ApiToken t) {
        run(() -> session.execute(BatchStatement.newInstance(DefaultBatchType.LOGGED,
                insertToken.bind(t.hash(), t.admin(), t.label(), t.created()),
                insertTokenByAdmin.bind(t.admin(), t.hash(), t.label(), t.created()))));
    }

    @Override
    public Optional<ApiToken> token(String hash) {
        Row r = call(() -> session.execute(selectToken.bind(hash)).one());
        return r == null ? Optional.empty() : Optional.of(token(r));
    }

    private static ApiToken token(Row r) {
        return new ApiToken(r.getString("token_hash"), r.getString("admin"), r.getString("label"), r.getInstant("created"));
    }

    @Override
    public List<ApiToken> tokens(String admin) {
        List<ApiToken> all = new ArrayList<>();
        call(() -> session.execute(selectTokensByAdmin.bind(admin))).forEach(r -> all.add(token(r)));
        return all;
    }

    @Override
    public boolean removeToken(String hash) {
        Optional<ApiToken> t = token(hash);
        t.ifPresent(token -> run(() -> session.execute(BatchStatement.newInstance(DefaultBatchType.LOGGED,
                deleteToken.bind(hash), deleteTokenByAdmin.bind(token.admin(), hash)))));
        return t.isPresent();
    }

    @Override
    public void putSession(String idHash, WebSession s, Duration ttl) {
        run(() -> session.execute(insertSession.bind(idHash, s.principal(), s.kind(), s.csrf(), s.created(),
                (int) Math.max(1, ttl.toSeconds()))));
    }

    @Override
    public Optional<WebSession> session(String idHash) {
        Row r = call(() -> session.execute(selectSession.bind(idHash)).one());
        return r == null ? Optional.empty() : Optional.of(new WebSession(r.getString("principal"), r.getString("kind"),
                r.getString("csrf"), r.getInstant("created")));
    }

    @Override
    public void removeSession(String idHash) {
        run(() -> session.execute(deleteSession.bind(idHash)));
    }

    @Override
    public void audit(AuditEntry e) {
        run(() -> session.execute(insertAudit.bind(LocalDate.ofInstant(e.at(), ZoneOffset.UTC),
                Uuids.timeBased(), e.actor(), e.action(),
                e.target(), e.remote(), e.outcome())));
    }

    @Override
    public List<AuditEntry> audit(LocalDate day, int limit) {
        List<AuditEntry> all = new ArrayList<>();
        call(() -> session.execute(selectAudit.bind(day, limit))).forEach(r -> all.add(new AuditEntry(
                java.time.Instant.ofEpochMilli(Uuids.unixTimestamp(r.getUuid("at"))), r.getString("actor"),
                r.getString("action"), r.getString("target"), r.getString("remote"), r.getString("outcome"))));
        return all;
    }
}
