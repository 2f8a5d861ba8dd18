package io.cassmail.http.admin;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * A list answered a page at a time: {@code {"items": [...], "next": CURSOR}}, {@code next} null on the last page.
 * The cursor is the opaque (base64url) key of the page's last item; the next page starts after it, so items added
 * or removed between pages shift nothing.
 */
record Page(List<?> items, String next) {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    /** The page of {@code sorted} (ascending by {@code key}) after the call's cursor, at most its limit long. */
    static <T> Page of(List<T> sorted, Function<T, String> key, ApiCall call) {
        int limit = limit(call.query("limit"), DEFAULT_LIMIT);
        String after = cursor(call.query("cursor"));
        int from = 0;
        if (after != null) {
            while (from < sorted.size() && key.apply(sorted.get(from)).compareTo(after) <= 0) {
                from++;
            }
        }
        int to = Math.min(sorted.size(), from + limit);
        List<T> items = sorted.subList(from, to);
        String next = to < sorted.size() && !items.isEmpty() ? Base64.getUrlEncoder().withoutPadding()
                .encodeToString(key.apply(items.get(items.size() - 1)).getBytes(StandardCharsets.UTF_8)) : null;
        return new Page(items, next);
    }

    /** A {@code limit} query parameter: 1 to {@link #MAX_LIMIT}, {@code defaultLimit} when absent, else a 400. */
    static int limit(String value, int defaultLimit) {
        if (value == null) {
            return defaultLimit;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiError(400, "Bad limit", "limit must be a whole number from 1 to " + MAX_LIMIT);
    }

    private static String cursor(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "Bad cursor", "cursor must be the \"next\" value of a previous page");
        }
    }
}
