package io.cassmail.operations;

/**
 * Who asks for an operation and from where, for the audit log: {@code admin:NAME}, {@code token:NAME/ID},
 * {@code user:ADDRESS} or {@code cli:OS-USER}, and the client's address or the CLI's host.
 */
public record Actor(String name, String from) {

    /** The operator at this shell. */
    public static Actor cli() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return new Actor("cli:" + System.getProperty("user.name", "?"), host);
    }
}
