package io.cassmail.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Raw key/value settings after layering defaults, file, environment and flags, with typed getters that
 * name the offending key when a value is malformed.
 */
public final class Settings {
    private final Map<String, String> values;

    public Settings(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    public Map<String, String> asMap() {
        return values;
    }

    public String string(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new ConfigException("setting '" + key + "' is missing");
        }
        return v.strip();
    }

    public int integer(String key) {
        try {
            return Integer.parseInt(string(key));
        } catch (NumberFormatException e) {
            throw new ConfigException("setting '" + key + "' must be a whole number, got '" + values.get(key) + "'");
        }
    }

    /** Byte sizes: plain bytes or with a K, M or G suffix (binary). */
    /** {@code true}/{@code yes}/{@code on} or {@code false}/{@code no}/{@code off}. */
    public boolean bool(String key) {
        String v = string(key).strip().toLowerCase(java.util.Locale.ROOT);
        return switch (v) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException("setting '" + key + "' must be true or false, got '" + v + "'");
        };
    }

    public long bytes(String key) {
        String v = string(key).toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
        long factor = 1;
        if (v.endsWith("K")) {
            factor = 1024;
        } else if (v.endsWith("M")) {
            factor = 1024 * 1024;
        } else if (v.endsWith("G")) {
            factor = 1024L * 1024 * 1024;
        }
        try {
            return Long.parseLong(factor == 1 ? v : v.substring(0, v.length() - 1)) * factor;
        } catch (NumberFormatException e) {
            throw new ConfigException("setting '" + key + "' must be a size like 25M, got '" + values.get(key) + "'");
        }
    }

    /** Durations: a number with ms, s, m, h or d (e.g. 300ms, 5m, 5d). */
    public Duration duration(String key) {
        return parseDuration(key, string(key));
    }

    public List<Duration> durations(String key) {
        List<Duration> result = new ArrayList<>();
        for (String part : string(key).split(",")) {
            if (!part.isBlank()) {
                result.add(parseDuration(key, part.strip()));
            }
        }
        return List.copyOf(result);
    }

    /** Parses one duration; {@code key} names it in the error. */
    public static Duration parseDuration(String key, String v) {
        String s = v.toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            switch (s.charAt(s.length() - 1)) {
                case 's': return Duration.ofSeconds(n);
                case 'm': return Duration.ofMinutes(n);
                case 'h': return Duration.ofHours(n);
                case 'd': return Duration.ofDays(n);
                default: break;
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // fall through to the error below
        }
        throw new ConfigException("setting '" + key + "' must be a duration like 30s, 5m or 5d, got '" + v + "'");
    }
}
