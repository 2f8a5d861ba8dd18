package io.cassmail.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's HTTP port (JDK {@code HttpServer}, two threads): {@code /metrics} in Prometheus text format,
 * {@code /health} (the process answers), {@code /ready} (every {@link ReadinessCheck} passes: 200, else 503 with
 * the failing checks in JSON) and {@code /}, a read-only status page that refreshes itself from {@code /metrics}
 * and {@code /ready}. Readiness is computed at most once a second, each probe within {@link #PROBE_TIMEOUT}.
 */
public final class StatusHttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusHttpServer.class);
    /** How long one readiness probe may take before it counts as failed. */
    public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final long READY_CACHE_NANOS = Duration.ofSeconds(1).toNanos();

    private final HttpServer server;
    /** Seconds a client may take to send its request before the JDK's server closes the connection. */
    static final int MAX_REQUEST_SECONDS = 10;

    static {
        limitRequestTime();
    }

    /**
     * Bounds the time a client may take to send its request, for every JDK HTTP server of this process. Read once,
     * when the JDK's HTTP server class first loads: without it a client that sends half a request holds a handler
     * thread for ever (two of them hung /health).
     */
    public static void limitRequestTime() {
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", String.valueOf(MAX_REQUEST_SECONDS));
        }
    }

    private final ExecutorService handlers = Executors.newFixedThreadPool(16, daemon("http-status"));
    private final ExecutorService probes = Executors.newCachedThreadPool(daemon("ready-probe"));
    private final Supplier<String> scrape;
    private final List<ReadinessCheck> checks;
    private final String roles;
    private Readiness lastReadiness;
    private long lastReadinessAt;

    private record Readiness(boolean ready, Map<String, String> checks) {
    }

    /**
     * @param scrape the metrics in Prometheus text format
     * @param roles  shown by {@code /health} and the status page
     */
    public StatusHttpServer(String bind, int port, Supplier<String> scrape, List<ReadinessCheck> checks, String roles)
            throws IOException {
        this.scrape = scrape;
        this.checks = List.copyOf(checks);
        this.roles = roles;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bind), port), 50);
        } catch (java.net.BindException e) {
            throw new IllegalStateException("the metrics/status HTTP listener cannot listen on " + bind + ":" + port
                    + ": the address is already in use; set metrics.port (or off) or metrics.bind", e);
        }
        server.setExecutor(handlers);
        serveOn(server);
        server.createContext("/", this::page);
    }

    /** Serves {@code /metrics}, {@code /health} and {@code /ready} on {@code other} too (the admin listener). */
    public void serveOn(HttpServer other) {
        other.createContext("/metrics", x -> respond(x, 200, "text/plain; version=0.0.4; charset=utf-8", scrape.get()));
        other.createContext("/health", x -> respond(x, 200, "application/json",
                "{\"status\":\"up\",\"roles\":\"" + roles + "\"}"));
        other.createContext("/ready", this::ready);
    }

    /** The status page (it reads {@code /metrics} and {@code /ready} of the origin it is served from). */
    public static String statusPage() throws IOException {
        try (InputStream in = StatusHttpServer.class.getResourceAsStream("status.html")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public void start() {
        server.start();
    }

    /** The bound port (tests bind port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void ready(HttpExchange x) throws IOException {
        Readiness r = readiness();
        StringBuilder body = new StringBuilder("{\"status\":\"").append(r.ready() ? "ready" : "not ready")
                .append("\",\"roles\":\"").append(roles).append("\",\"checks\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : r.checks().entrySet()) {
            body.append(first ? "" : ",").append('"').append(e.getKey()).append("\":\"").append(json(e.getValue()))
                    .append('"');
            first = false;
        }
        respond(x, r.ready() ? 200 : 503, "application/json", body.append("}}").toString());
    }

    private synchronized Readiness readiness() {
        long now = System.nanoTime();
        if (lastReadiness != null && now - lastReadinessAt < READY_CACHE_NANOS) {
            return lastReadiness;
        }
        Map<String, Future<String>> running = new LinkedHashMap<>();
        for (ReadinessCheck c : checks) {
            running.put(c.name(), probes.submit(() -> c.probe().problem()));
        }
        Map<String, String> results = new LinkedHashMap<>();
        boolean ready = true;
        long deadline = now + PROBE_TIMEOUT.toNanos();
        for (Map.Entry<String, Future<String>> e : running.entrySet()) {
            String problem;
            try {
                problem = e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException t) {
                e.getValue().cancel(true);
                problem = "no answer within " + PROBE_TIMEOUT.toSeconds() + " s";
            } catch (InterruptedException t) {
                Thread.currentThread().interrupt();
                problem = "interrupted";
            } catch (java.util.concurrent.ExecutionException t) {
                problem = String.valueOf(t.getCause().getMessage());
            }
            results.put(e.getKey(), problem == null ? "ok" : problem);
            ready &= problem == null;
        }
        if (!ready) {
            log.debug("not ready: {}", results);
        }
        lastReadiness = new Readiness(ready, results);
        lastReadinessAt = System.nanoTime();
        return lastReadiness;
    }

    private void page(HttpExchange x) throws IOException {
        if (!x.getRequestURI().getPath().equals("/")) {
            respond(x, 404, "text/plain; charset=utf-8", "not found; try /, /metrics, /health or /ready\n");
            return;
        }
        respond(x, 200, "text/html; charset=utf-8", statusPage());
    }

    private static void respond(HttpExchange x, int status, String type, String body) throws IOException {
        try (x) {
            if (!x.getRequestMethod().equals("GET") && !x.getRequestMethod().equals("HEAD")) {
                x.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", type);
            x.getResponseHeaders().set("Cache-Control", "no-store");
            x.sendResponseHeaders(status, x.getRequestMethod().equals("HEAD") ? -1 : bytes.length);
            if (!x.getRequestMethod().equals("HEAD")) {
                try (OutputStream out = x.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        probes.shutdownNow();
    }
}
