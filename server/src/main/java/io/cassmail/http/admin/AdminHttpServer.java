package io.cassmail.http.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.cassmail.auth.LoginPenalty;
import io.cassmail.auth.PasswordAuthenticator;
import io.cassmail.config.CassMailConfig;
import io.cassmail.http.StatusHttpServer;
import io.cassmail.operations.OperationException;
import io.cassmail.operations.Operations;
import io.cassmail.store.StoreUnavailableException;
import io.cassmail.tls.ServerTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener (README "Admin API and web admin"): the JSON API under {@code /api/v1}, the web admin under
 * {@code /admin/}, and {@code /health}, {@code /ready} and {@code /metrics} as on the metrics port. HTTPS with the
 * listeners' certificate; plain HTTP only on a loopback address when no certificate is configured.
 */
public final class AdminHttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminHttpServer.class);
    static final String API = "/api/v1";
    /** Sent by the web admin's scripts: a 401 then carries no Basic challenge, so no browser dialog opens. */
    static final String WEB_HEADER = "X-CassMail-Web";
    private static final Map<String, String> WEB_FILES = Map.of("", "index.html", "index.html", "index.html",
            "app.js", "app.js", "app.css", "app.css");

    /** How much of a too-large body is read and dropped before the 413 is sent. */
    private static final long DRAIN_LIMIT = 1 << 20;

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "admin-http");
        t.setDaemon(true);
        return t;
    });
    private final ObjectMapper json = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    private final CassMailConfig.AdminConfig config;
    private final boolean tls;
    private final Operations ops;
    private final PasswordAuthenticator users;
    private final LoginPenalty penalty;
    private final WebSessions sessions;
    private final List<Route> routes;

    /**
     * @param tls    the listeners' certificate, or null (then only a loopback {@code admin.bind} is allowed)
     * @param status the metrics port's server, whose {@code /metrics}, {@code /health} and {@code /ready} are served
     *               here too; null when metrics are off
     */
    public AdminHttpServer(CassMailConfig.AdminConfig config, ServerTls tls, Operations ops, PasswordAuthenticator users,
                           LoginPenalty penalty, Duration staleAfter, StatusHttpServer status, Clock clock)
            throws IOException {
        StatusHttpServer.limitRequestTime();
        this.config = config;
        this.tls = tls != null;
        this.ops = ops;
        this.users = users;
        this.penalty = penalty;
        InetAddress bind = InetAddress.getByName(config.bind());
        if (tls == null && !bind.isLoopbackAddress()) {
            throw new IllegalStateException("admin.bind " + config.bind() + " is not a loopback address and there is no"
                    + " TLS certificate (tls.cert, tls.key): the admin API does not send passwords and tokens over the"
                    + " network in clear text. Configure TLS, or bind it to 127.0.0.1");
        }
        this.sessions = new WebSessions(ops.adminStore(), config.sessionTtl(), clock, this.tls);
        this.routes = new ApiRoutes(ops, users, sessions, penalty, staleAfter).all();
        InetSocketAddress address = new InetSocketAddress(bind, config.port());
        try {
            if (tls != null) {
                HttpsServer https = HttpsServer.create(address, 50);
                https.setHttpsConfigurator(new HttpsConfigurator(tls.context()) {
                    @Override
                    public void configure(HttpsParameters params) {
                        javax.net.ssl.SSLParameters p = getSSLContext().getDefaultSSLParameters();
                        ServerTls.restrict(p, getSSLContext().getSupportedSSLParameters().getProtocols(),
                                getSSLContext().getSupportedSSLParameters().getCipherSuites());
                        params.setSSLParameters(p);
                    }
                });
                server = https;
            } else {
                server = HttpServer.create(address, 50);
            }
        } catch (java.net.BindException e) {
            throw new IllegalStateException("the admin listener cannot listen on " + config.bind() + ":" + config.port()
                    + ": the address is already in use; set admin.port (or off) or admin.bind", e);
        }
        server.setExecutor(handlers);
        server.createContext(API + "/", this::api);
        server.createContext("/admin/", this::web);
        server.createContext("/", this::root);
        if (status != null) {
            status.serveOn(server);
        }
    }

    public void start() {
        server.start();
    }

    /** The bound port (tests bind port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The web admin's address, for the log. */
    public String url() {
        String host = config.bind().contains(":") ? "[" + config.bind() + "]" : config.bind();
        return (tls ? "https" : "http") + "://" + host + ":" + port() + "/admin/";
    }

    /** The routes, for the test that checks them against {@code openapi.json}. */
    List<Route> routes() {
        return routes;
    }

    private void api(HttpExchange x) throws IOException {
        try (x) {
            String method = x.getRequestMethod();
            try {
                String path = x.getRequestURI().getRawPath().substring(API.length());
                String[] segments = segments(path);
                Route route = null;
                Map<String, String> params = null;
                List<String> allowed = new ArrayList<>();
                for (Route r : routes) {
                    Map<String, String> p = r.match(segments);
                    if (p != null) {
                        allowed.add(r.method());
                        if (r.method().equals(method)) {
                            route = r;
                            params = p;
                        }
                    }
                }
                if (route == null) {
                    if (allowed.isEmpty()) {
                        throw new ApiError(404, "Not found", "no such resource: " + API + path);
                    }
                    throw new ApiError(405, "Method not allowed", method + " is not allowed on " + API + path
                            + "; allowed: " + String.join(", ", allowed), Map.of("Allow", String.join(", ", allowed)));
                }
                boolean unsafe = !method.equals("GET") && !method.equals("HEAD");
                if (unsafe) {
                    sameOrigin(x);
                }
                byte[] body = body(x, unsafe);
                String cookie = cookie(x);
                Principal principal = route.access() == Route.Access.ANONYMOUS ? null : authenticate(x, cookie);
                if (route.access() == Route.Access.ADMIN && !principal.admin()) {
                    throw new ApiError(403, "Forbidden", "only admins may do this; " + principal.name() + " is a user");
                }
                if (unsafe && principal != null && principal.csrf() != null
                        && !principal.csrf().equals(x.getRequestHeaders().getFirst("X-CSRF-Token"))) {
                    throw new ApiError(403, "CSRF token missing", "a change from a browser session needs its CSRF token"
                            + " in the X-CSRF-Token header");
                }
                Route.Reply reply = route.handler().handle(new ApiCall(principal, client(x), cookie, params,
                        x.getRequestURI().getRawQuery(), body, json));
                if (reply.setCookie() != null) {
                    x.getResponseHeaders().add("Set-Cookie", reply.setCookie());
                }
                if (reply.body() instanceof Route.Raw raw) {
                    try (InputStream in = raw.in()) {
                        headers(x, raw.contentType());
                        x.getResponseHeaders().set("Content-Disposition", "attachment");
                        x.sendResponseHeaders(200, 0);
                        try (OutputStream out = x.getResponseBody()) {
                            in.transferTo(out);
                        }
                    }
                    return;
                }
                byte[] answer;
                try {
                    answer = reply.body() == null ? null : json.writeValueAsBytes(reply.body());
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException("answer not serializable: " + e.getMessage(), e);
                }
                send(x, reply.status(), "application/json", answer);
            } catch (ApiError e) {
                e.headers.forEach((k, v) -> x.getResponseHeaders().set(k, v));
                problem(x, e.status, e.title, e.getMessage());
            } catch (OperationException e) {
                problem(x, switch (e.kind()) {
                    case INVALID -> 400;
                    case NOT_FOUND -> 404;
                    case CONFLICT -> 409;
                }, switch (e.kind()) {
                    case INVALID -> "Invalid request";
                    case NOT_FOUND -> "Not found";
                    case CONFLICT -> "Conflict";
                }, e.getMessage());
            } catch (StoreUnavailableException | UncheckedIOException e) {
                log.warn("admin API {} {}: {}", method, x.getRequestURI().getPath(), e.getMessage());
                x.getResponseHeaders().set("Retry-After", "5");
                problem(x, 503, "Service unavailable", "a store CassMail needs did not answer (" + e.getMessage()
                        + "); try again shortly");
            } catch (RuntimeException e) {
                log.error("admin API {} {} failed", method, x.getRequestURI().getPath(), e);
                problem(x, 500, "Internal error", "the request failed inside CassMail; the server log has the details");
            }
        }
    }

    /**
     * The path's segments, each with its percent-escapes decoded after splitting, so a folder named {@code a/b} is
     * one segment ({@code a%2Fb}); {@code +} stays a plus, as in addresses. A bad escape is a 400.
     */
    static String[] segments(String rawPath) {
        String[] raw = rawPath.length() <= 1 ? new String[]{""} : rawPath.substring(1).split("/", -1);
        String[] decoded = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            try {
                decoded[i] = java.net.URLDecoder.decode(raw[i].replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "Bad path", "the request path has a bad percent-escape");
            }
        }
        return decoded;
    }

    /** Refuses a change a browser sends from another site (the Origin header, or Sec-Fetch-Site). */
    private void sameOrigin(HttpExchange x) {
        String origin = x.getRequestHeaders().getFirst("Origin");
        String host = x.getRequestHeaders().getFirst("Host");
        String own = (tls ? "https://" : "http://") + host;
        if (origin != null && !origin.equals(own)) {
            throw new ApiError(403, "Cross-origin request", "changes are only accepted from the web admin's own"
                    + " origin (" + own + "), not from " + origin);
        }
        String site = x.getRequestHeaders().getFirst("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            throw new ApiError(403, "Cross-site request", "changes are not accepted from another site");
        }
    }

    /** The request body, at most admin.max-body bytes; a body must be JSON (no form can send that across sites). */
    private byte[] body(HttpExchange x, boolean unsafe) throws IOException {
        String length = x.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                throw new ApiError(400, "Bad Content-Length", "Content-Length is not a number");
            }
            if (declared > config.maxBody()) {
                drain(x);
                throw new ApiError(413, "Body too large", "the body may be at most " + config.maxBody() + " bytes");
            }
        }
        String type = x.getRequestHeaders().getFirst("Content-Type");
        if (unsafe && type != null && !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ApiError(415, "Unsupported media type", "send the body as application/json, not " + type);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = x.getRequestBody()) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                if (out.size() > config.maxBody()) {
                    drain(x);
                    throw new ApiError(413, "Body too large", "the body may be at most " + config.maxBody() + " bytes");
                }
            }
        }
        if (out.size() > 0 && type == null) {
            throw new ApiError(415, "Unsupported media type", "send the body as application/json (Content-Type missing)");
        }
        return out.toByteArray();
    }

    /**
     * Reads and drops up to {@link #DRAIN_LIMIT} more bytes of a body that is too large, so the client, still
     * sending, reads the 413 instead of a reset connection; a larger one is cut off (its connection closes).
     */
    private static void drain(HttpExchange x) throws IOException {
        InputStream in = x.getRequestBody();
        byte[] buffer = new byte[8192];
        long left = DRAIN_LIMIT;
        int n;
        while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
            left -= n;
        }
    }

    private static String cookie(HttpExchange x) {
        for (String header : x.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String part : header.split(";")) {
                String p = part.strip();
                if (p.startsWith(WebSessions.COOKIE + "=")) {
                    return p.substring(WebSessions.COOKIE.length() + 1);
                }
            }
        }
        return null;
    }

    /** The caller by Bearer token, HTTP Basic or session cookie; none of them is a 401. */
    private Principal authenticate(HttpExchange x, String cookie) {
        String auth = x.getRequestHeaders().getFirst("Authorization");
        InetAddress client = client(x);
        if (auth != null) {
            if (auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                Credentials.allowed(client, penalty);
                return ops.admins().byToken(auth.substring(7).strip()).map(t -> {
                    penalty.succeeded(client);
                    return new Principal(Principal.Kind.ADMIN, t.admin(), "token:" + t.id(), null);
                }).orElseGet(() -> {
                    penalty.failed(client);
                    throw new ApiError(401, "Invalid token", "the token is not valid (revoked, or its admin removed)",
                            Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""));
                });
            }
            if (auth.regionMatches(true, 0, "Basic ", 0, 6)) {
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(auth.substring(6).strip()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new ApiError(400, "Bad credentials", "the Basic credentials are not base64");
                }
                int colon = decoded.indexOf(':');
                if (colon < 0) {
                    throw new ApiError(400, "Bad credentials", "the Basic credentials need a name and a password");
                }
                return Credentials.check(decoded.substring(0, colon), decoded.substring(colon + 1), "basic", client,
                        penalty, ops.admins(), users);
            }
            throw new ApiError(401, "Unsupported authorization", "use Authorization: Bearer TOKEN or Basic",
                    challenge(x));
        }
        if (cookie != null) {
            return sessions.find(cookie).orElseThrow(() -> new ApiError(401, "Session expired",
                    "the session has ended; sign in again", challenge(x)));
        }
        throw new ApiError(401, "Authentication required", "sign in, or send Authorization: Bearer TOKEN (cassmail-admin"
                + " admins token NAME) or Basic", challenge(x));
    }

    private static Map<String, String> challenge(HttpExchange x) {
        return x.getRequestHeaders().containsKey(WEB_HEADER) ? Map.of()
                : Map.of("WWW-Authenticate", "Basic realm=\"CassMail admin\", Bearer realm=\"CassMail admin\"");
    }

    private static InetAddress client(HttpExchange x) {
        return x.getRemoteAddress().getAddress();
    }

    private void problem(HttpExchange x, int status, String title, String detail) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", x.getRequestURI().getRawPath());
        send(x, status, "application/problem+json", json.writeValueAsBytes(body));
    }

    private void web(HttpExchange x) throws IOException {
        try (x) {
            String name = x.getRequestURI().getPath().substring("/admin/".length());
            if (!x.getRequestMethod().equals("GET") && !x.getRequestMethod().equals("HEAD")) {
                x.getResponseHeaders().set("Allow", "GET, HEAD");
                send(x, 405, "text/plain; charset=utf-8", "GET only\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (name.equals("status")) {
                // the metrics port's page, unchanged: it has its script and style inline
                x.getResponseHeaders().set("Content-Security-Policy",
                        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
                send(x, 200, "text/html; charset=utf-8", StatusHttpServer.statusPage().getBytes(StandardCharsets.UTF_8));
                return;
            }
            String file = WEB_FILES.get(name);
            if (file == null) {
                send(x, 404, "text/plain; charset=utf-8", "no such page\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] bytes;
            try (InputStream in = AdminHttpServer.class.getResourceAsStream("web/" + file)) {
                bytes = in.readAllBytes();
            }
            x.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
            send(x, 200, file.endsWith(".js") ? "text/javascript; charset=utf-8" : file.endsWith(".css")
                    ? "text/css; charset=utf-8" : "text/html; charset=utf-8", bytes);
        }
    }

    private void root(HttpExchange x) throws IOException {
        try (x) {
            if (x.getRequestURI().getPath().equals("/")) {
                x.getResponseHeaders().set("Location", "/admin/");
                send(x, 302, "text/plain; charset=utf-8", null);
            } else {
                send(x, 404, "text/plain; charset=utf-8",
                        "not found; try /admin/, /api/v1/, /health, /ready or /metrics\n".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** The type and the headers every answer of this listener carries. */
    private static void headers(HttpExchange x, String type) {
        x.getResponseHeaders().set("Content-Type", type);
        x.getResponseHeaders().set("Cache-Control", "no-store");
        x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        x.getResponseHeaders().set("X-Frame-Options", "DENY");
        x.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        headers(x, type);
        boolean none = body == null || status == 204 || x.getRequestMethod().equals("HEAD");
        x.sendResponseHeaders(status, none ? -1 : body.length);
        if (!none) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
