package io.cassmail.http.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cassmail.operations.Actor;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** One API request as a route sees it: who, the path's parameters, the query and the JSON body. */
final class ApiCall {
    private final Principal principal;
    private final java.net.InetAddress client;
    private final String cookie;
    private final String remote;
    private final Map<String, String> params;
    private final Map<String, String> query;
    private final byte[] body;
    private final ObjectMapper json;
    private JsonNode parsed;

    ApiCall(Principal principal, java.net.InetAddress client, String cookie, Map<String, String> params, String rawQuery,
            byte[] body, ObjectMapper json) {
        this.principal = principal;
        this.client = client;
        this.cookie = cookie;
        this.remote = client.getHostAddress();
        this.params = params;
        this.query = parseQuery(rawQuery);
        this.body = body;
        this.json = json;
    }

    Principal principal() {
        return principal;
    }

    /** The client's address (the failed-login budget counts per address). */
    java.net.InetAddress client() {
        return client;
    }

    /** The session cookie sent, or null. */
    String cookie() {
        return cookie;
    }

    Actor actor() {
        return principal.actor(remote);
    }

    String param(String name) {
        return params.get(name);
    }

    /** A query parameter, or null. */
    String query(String name) {
        return query.get(name);
    }

    /** {@code true} or {@code false} in the query; absent is false. */
    boolean queryFlag(String name) {
        String v = query.get(name);
        if (v == null || v.equals("false")) {
            return false;
        }
        if (v.equals("true")) {
            return true;
        }
        throw new ApiError(400, "Bad query parameter", "query parameter '" + name + "' must be true or false");
    }

    /** The body's JSON object. */
    JsonNode body() {
        if (parsed == null) {
            if (body.length == 0) {
                throw new ApiError(400, "Missing body", "this request needs a JSON object as its body");
            }
            try {
                parsed = json.readTree(body);
            } catch (JsonProcessingException e) {
                throw new ApiError(400, "Malformed JSON", "the body is not valid JSON: " + e.getOriginalMessage());
            } catch (java.io.IOException e) {
                throw new ApiError(400, "Malformed JSON", "the body cannot be read as JSON");
            }
            if (parsed == null || !parsed.isObject()) {
                throw new ApiError(400, "Malformed JSON", "the body must be a JSON object");
            }
        }
        return parsed;
    }

    /** A string member of the body; a required one that is missing is a 400. */
    String text(String field, boolean required) {
        JsonNode v = body().get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new ApiError(400, "Missing field", "the body needs \"" + field + "\"");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new ApiError(400, "Wrong field type", "\"" + field + "\" must be a string");
        }
        return v.asText();
    }

    /** A whole-number member of the body, or null. */
    Long number(String field) {
        JsonNode v = body().get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new ApiError(400, "Wrong field type", "\"" + field + "\" must be a whole number");
        }
        return v.asLong();
    }

    /** A boolean member of the body; absent is false. */
    boolean flag(String field) {
        JsonNode v = body().get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new ApiError(400, "Wrong field type", "\"" + field + "\" must be true or false");
        }
        return v.asBoolean();
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                q.putIfAbsent(k, v);
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "Bad query", "the query string is not properly encoded");
            }
        }
        return q;
    }
}
