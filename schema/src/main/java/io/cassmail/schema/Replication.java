package io.cassmail.schema;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Keyspace replication setting: {@code SimpleStrategy:1} for a single dev node,
 * {@code dc1:3,dc2:3} for NetworkTopologyStrategy on a ring.
 */
public record Replication(String strategy, Map<String, Integer> factors) {

    public static Replication parse(String setting) {
        String s = setting.strip();
        if (s.toLowerCase(Locale.ROOT).startsWith("simplestrategy")) {
            int colon = s.indexOf(':');
            int rf = colon < 0 ? 1 : positive(s.substring(colon + 1), setting);
            return new Replication("SimpleStrategy", Map.of("replication_factor", rf));
        }
        Map<String, Integer> factors = new LinkedHashMap<>();
        for (String part : s.split(",")) {
            String[] kv = part.strip().split(":");
            if (kv.length != 2 || kv[0].isBlank()) {
                throw new IllegalArgumentException("replication must be SimpleStrategy:RF or dc:rf[,dc:rf...], got '" + setting + "'");
            }
            factors.put(kv[0].strip(), positive(kv[1], setting));
        }
        return new Replication("NetworkTopologyStrategy", Map.copyOf(factors));
    }

    /** The replication of a live keyspace, from the driver's metadata map ({@code class} plus factors). */
    public static Replication fromMetadata(Map<String, String> options) {
        String cls = options.getOrDefault("class", "");
        String strategy = cls.substring(cls.lastIndexOf('.') + 1);
        Map<String, Integer> factors = new LinkedHashMap<>();
        options.forEach((k, v) -> {
            if (!k.equals("class")) {
                try {
                    factors.put(k, Integer.parseInt(v.strip()));
                } catch (NumberFormatException e) {
                    // transient replication ("3/1") and unknown options are shown, not compared
                    factors.put(k + "=" + v, 0);
                }
            }
        });
        return new Replication(strategy, Map.copyOf(factors));
    }

    /** The replicas a datacenter gets (SimpleStrategy: every datacenter gets replication_factor). */
    public int factorIn(String datacenter) {
        if (strategy.equals("SimpleStrategy")) {
            return factors.getOrDefault("replication_factor", 0);
        }
        return factors.getOrDefault(datacenter, 0);
    }

    /** As the setting is written: {@code SimpleStrategy:1} or {@code dc1:3,dc2:3}. */
    public String toSetting() {
        if (strategy.equals("SimpleStrategy")) {
            return "SimpleStrategy:" + factors.getOrDefault("replication_factor", 0);
        }
        return String.join(",", new java.util.TreeMap<>(factors).entrySet().stream()
                .map(e -> e.getKey() + ":" + e.getValue()).toList());
    }

    /** The CQL map literal for {@code CREATE KEYSPACE ... WITH replication = ...}. */
    public String toCql() {
        StringBuilder b = new StringBuilder("{'class': '").append(strategy).append('\'');
        factors.forEach((k, v) -> b.append(", '").append(k.replace("'", "''")).append("': ").append(v));
        return b.append('}').toString();
    }

    private static int positive(String value, String setting) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("replication factor must be a positive number in '" + setting + "'");
        }
    }
}
