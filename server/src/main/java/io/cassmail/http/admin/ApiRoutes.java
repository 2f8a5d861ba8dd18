package io.cassmail.http.admin;

import static io.cassmail.http.admin.Route.Access.ADMIN;
import static io.cassmail.http.admin.Route.Access.ANONYMOUS;
import static io.cassmail.http.admin.Route.Access.SIGNED_IN;

import io.cassmail.auth.LoginPenalty;
import io.cassmail.http.admin.Route.Reply;
import io.cassmail.auth.PasswordAuthenticator;
import io.cassmail.config.Settings;
import io.cassmail.operations.DkimOperations;
import io.cassmail.operations.MailboxOperations;
import io.cassmail.operations.Operations;
import io.cassmail.operations.QueueOperations;
import io.cassmail.operations.UserOperations;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The routes of {@code /api/v1} (README "Admin API and web admin"; {@code openapi.json} documents each one). */
final class ApiRoutes {
    private final Operations ops;
    private final PasswordAuthenticator users;
    private final WebSessions sessions;
    private final LoginPenalty penalty;
    private final Duration defaultStaleAfter;
    private final List<Route> routes = new ArrayList<>();

    ApiRoutes(Operations ops, PasswordAuthenticator users, WebSessions sessions, LoginPenalty penalty,
              Duration defaultStaleAfter) {
        this.ops = ops;
        this.users = users;
        this.sessions = sessions;
        this.penalty = penalty;
        this.defaultStaleAfter = defaultStaleAfter;
        add("GET", "/openapi.json", SIGNED_IN, c -> Reply.ok(OpenApi.document()));
        add("POST", "/session", ANONYMOUS, this::signIn);
        add("GET", "/session", SIGNED_IN, this::whoAmI);
        add("DELETE", "/session", SIGNED_IN, c -> {
            sessions.end(c.cookie());
            return new Reply(204, null, sessions.clear());
        });
        add("GET", "/me", SIGNED_IN, this::me);
        add("PUT", "/me/password", SIGNED_IN, this::myPassword);

        add("GET", "/domains", ADMIN, c -> Reply.ok(Page.of(named(ops.domains().list()), Named::name, c)));
        add("POST", "/domains", ADMIN, c -> Reply.created(new Named(ops.domains().add(c.actor(), c.text("name", true)))));
        add("DELETE", "/domains/{name}", ADMIN, c -> {
            ops.domains().remove(c.actor(), c.param("name"));
            return Reply.noContent();
        });
        add("GET", "/domains/{name}/dkim", ADMIN, c -> Reply.ok(Map.of("items", keys(ops.dkim().list(c.param("name"))))));
        add("POST", "/domains/{name}/dkim", ADMIN, c -> Reply.created(key(ops.dkim().generate(c.actor(), c.param("name"),
                c.text("selector", false)))));
        add("DELETE", "/domains/{name}/dkim/{selector}", ADMIN, c -> {
            ops.dkim().remove(c.actor(), c.param("name"), c.param("selector"));
            return Reply.noContent();
        });

        add("GET", "/users", ADMIN, c -> {
            Page page = Page.of(addresses(ops.users().list(c.query("domain"))), Address::address, c);
            if (!c.queryFlag("usage")) {
                return Reply.ok(page);
            }
            // one usage read per user of this page only
            return Reply.ok(new Page(page.items().stream().map(a -> ops.users().get(((Address) a).address())).toList(),
                    page.next()));
        });
        add("POST", "/users", ADMIN, c -> {
            String a = ops.users().add(c.actor(), c.text("address", true), c.text("password", false));
            return Reply.created(ops.users().get(a));
        });
        add("GET", "/users/{address}", ADMIN, c -> Reply.ok(ops.users().get(c.param("address"))));
        add("DELETE", "/users/{address}", ADMIN, c -> Reply.ok(Map.of("address", UserOperations.valid(c.param("address")),
                "removed_messages", ops.users().remove(c.actor(), c.param("address"), c.queryFlag("purge")))));
        add("PUT", "/users/{address}/password", ADMIN, c -> {
            ops.users().setPassword(c.actor(), c.param("address"), c.text("password", true));
            return Reply.noContent();
        });
        add("PUT", "/users/{address}/quota", ADMIN, c -> Reply.ok(ops.users().setQuota(c.actor(), c.param("address"),
                c.number("max_messages"), c.number("max_bytes"), c.flag("default"))));

        add("GET", "/users/{address}/aliases", ADMIN, c -> Reply.ok(Map.of("items", ops.users().aliases(c.param("address")))));
        add("POST", "/users/{address}/aliases", ADMIN, c -> {
            String alias = c.text("alias", true);
            String owner = ops.users().addAlias(c.actor(), alias, c.param("address"));
            return Reply.created(Map.of("alias", UserOperations.valid(alias), "owner", owner));
        });
        add("DELETE", "/users/{address}/aliases/{alias}", ADMIN, c -> {
            if (!ops.users().aliases(c.param("address")).contains(UserOperations.valid(c.param("alias")))) {
                throw new ApiError(404, "Not found", c.param("alias") + " is not an alias of " + c.param("address"));
            }
            ops.users().removeAlias(c.actor(), c.param("alias"));
            return Reply.noContent();
        });
        add("GET", "/users/{address}/folders", ADMIN, c -> Reply.ok(Map.of("items",
                ops.mailboxes().folders(c.param("address")))));
        add("GET", "/users/{address}/folders/{folder}/messages", ADMIN, c -> Reply.ok(Map.of("items",
                ops.mailboxes().newest(c.param("address"), c.param("folder"), Page.limit(c.query("limit"), 50)))));
        add("GET", "/messages/{id}", ADMIN, c -> Reply.ok(summary(ops.mailboxes().message(
                MailboxOperations.messageId(c.param("id"))))));
        add("GET", "/messages/{id}/raw", ADMIN, c -> {
            io.cassmail.store.StoredMessage m = ops.mailboxes().message(MailboxOperations.messageId(c.param("id")));
            return Reply.ok(new Route.Raw("message/rfc822", ops.mailboxes().raw(m)));
        });

        add("GET", "/queue", ADMIN, c -> {
            List<QueueOperations.Queue> queues = ops.queue().status();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("items", queues);
            body.put("warnings", QueueOperations.warnings(queues));
            return Reply.ok(body);
        });
        add("GET", "/queue/parked", ADMIN, c -> {
            List<QueueOperations.Parked> parked = ops.queue().parked();
            List<Positioned> keyed = new ArrayList<>();
            for (int i = 0; i < parked.size(); i++) {
                keyed.add(new Positioned(String.format("%09d", i), parked.get(i)));
            }
            Page page = Page.of(keyed, Positioned::position, c);
            return Reply.ok(new Page(page.items().stream().map(p -> ((Positioned) p).job()).toList(), page.next()));
        });
        add("POST", "/queue/parked/{id}/requeue", ADMIN, c -> Reply.ok(Map.of("requeued",
                ops.queue().requeue(c.actor(), c.param("id")))));
        add("POST", "/queue/parked/requeue-all", ADMIN, c -> Reply.ok(Map.of("requeued", ops.queue().requeue(c.actor(), null))));
        add("POST", "/queue/reconcile", ADMIN, c -> Reply.ok(ops.queue().reconcile(c.actor(), defaultStaleAfter,
                c.query("since") == null ? null : duration("since", c.query("since")))));

        add("GET", "/cluster", ADMIN, c -> Reply.ok(ops.cluster().status()));
        add("GET", "/audit", ADMIN, c -> Reply.ok(Map.of("items", audit(c))));
    }

    List<Route> all() {
        return routes;
    }

    private void add(String method, String path, Route.Access access, Route.Handler handler) {
        routes.add(new Route(method, path, access, handler));
    }

    /** A domain in a list. */
    record Named(String name) {
    }

    /** A user in a list. */
    record Address(String address) {
    }

    private record Positioned(String position, QueueOperations.Parked job) {
    }

    /** A DKIM key with its record as a zone-file line. */
    record Key(String selector, boolean signing, String created, String dnsName, String txt, String zoneLine) {
    }

    private static List<Named> named(List<String> names) {
        return names.stream().map(Named::new).toList();
    }

    private static List<Address> addresses(List<String> names) {
        return names.stream().map(Address::new).toList();
    }

    private static Key key(DkimOperations.Key k) {
        return new Key(k.selector(), k.signing(), k.created(), k.dnsName(), k.txt(), k.zoneLine());
    }

    private static List<Key> keys(List<DkimOperations.Key> keys) {
        return keys.stream().map(ApiRoutes::key).toList();
    }

    /**
     * Signs a browser in: {@code name} is an admin's name or a user's address. Failures count against the client's
     * failed-login budget, shared with SMTP AUTH, POP3 and IMAP.
     */
    private Reply signIn(ApiCall c) {
        String name = c.text("name", true);
        String password = c.text("password", true);
        Principal p = Credentials.check(name, password, "session", c.client(), penalty, ops.admins(), users);
        WebSessions.Created s = sessions.create(p.kind(), p.name());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", p.kind().name().toLowerCase(java.util.Locale.ROOT));
        body.put("name", p.name());
        body.put("csrf", s.csrf());
        return new Reply(201, body, s.setCookie());
    }

    private Reply whoAmI(ApiCall c) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", c.principal().kind().name().toLowerCase(java.util.Locale.ROOT));
        body.put("name", c.principal().name());
        body.put("via", c.principal().via().startsWith("token:") ? "token" : c.principal().via());
        body.put("csrf", c.principal().csrf());
        return Reply.ok(body);
    }

    private Reply me(ApiCall c) {
        if (c.principal().admin()) {
            return Reply.ok(Map.of("kind", "admin", "name", c.principal().name()));
        }
        return Reply.ok(ops.users().get(c.principal().name()));
    }

    /** Changes the caller's own password; the current one is asked again, and other browser sessions stay. */
    private Reply myPassword(ApiCall c) {
        String current = c.text("current_password", true);
        String next = c.text("password", true);
        Principal p = c.principal();
        boolean right = p.admin() ? ops.admins().authenticate(p.name(), current).isPresent()
                : users.authenticate(p.name(), current).isPresent();
        if (!right) {
            throw new ApiError(403, "Wrong password", "the current password is not right");
        }
        if (p.admin()) {
            ops.admins().setPassword(c.actor(), p.name(), next);
        } else {
            ops.users().setPassword(c.actor(), p.name(), next);
        }
        return Reply.noContent();
    }

    /** An audit entry as answered, its time in ISO-8601. */
    record Audit(String at, String actor, String action, String target, String remote, String outcome) {
    }

    private List<Audit> audit(ApiCall c) {
        LocalDate day;
        try {
            day = c.query("day") == null ? LocalDate.now(ZoneOffset.UTC) : LocalDate.parse(c.query("day"));
        } catch (DateTimeParseException e) {
            throw new ApiError(400, "Bad day", "day must be a date like 2026-12-07");
        }
        return ops.adminStore().audit(day, Page.limit(c.query("limit"), Page.DEFAULT_LIMIT)).stream().map(e -> new Audit(e.at().toString(), e.actor(), e.action(),
                e.target(), e.remote(), e.outcome())).toList();
    }

    /** A stored message's envelope and header summary (no body: /raw streams it). */
    private static Map<String, Object> summary(io.cassmail.store.StoredMessage m) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", m.id().toString());
        body.put("received", m.received() == null ? null : m.received().toString());
        body.put("size", m.size());
        body.put("envelope_from", m.envelopeFrom());
        body.put("client_ip", m.clientIp() == null ? null : m.clientIp().getHostAddress());
        body.put("helo", m.helo());
        body.put("from", m.headers().from());
        body.put("to", m.headers().to());
        body.put("subject", m.headers().subject());
        body.put("date", m.headers().date());
        body.put("message_id", m.headers().messageId());
        return body;
    }

    private static Duration duration(String name, String value) {
        try {
            return Settings.parseDuration(name, value);
        } catch (RuntimeException e) {
            throw new ApiError(400, "Bad duration", name + " must be a duration like 2d or 90m");
        }
    }
}
