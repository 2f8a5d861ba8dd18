package io.cassmail.http;

/** One dependency {@code /ready} looks at: its name, and a probe that returns null when ready or says why not. */
public record ReadinessCheck(String name, Probe probe) {

    /** Returns null when the dependency is ready, else a short sentence; may throw, which also means not ready. */
    @FunctionalInterface
    public interface Probe {
        String problem() throws Exception;
    }
}
