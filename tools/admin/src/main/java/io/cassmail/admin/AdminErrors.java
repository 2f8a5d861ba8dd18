package io.cassmail.admin;

/** Turns an exception into the one sentence an operator sees. */
final class AdminErrors {

    private AdminErrors() {
    }

    static String sentence(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
