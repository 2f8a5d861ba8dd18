package io.cassmail.http.admin;

/** A request refused with an HTTP status, a short title and a sentence: answered as RFC 9457 problem+json. */
final class ApiError extends RuntimeException {
    final int status;
    final String title;
    final java.util.Map<String, String> headers;

    ApiError(int status, String title, String detail) {
        this(status, title, detail, java.util.Map.of());
    }

    ApiError(int status, String title, String detail, java.util.Map<String, String> headers) {
        super(detail);
        this.status = status;
        this.title = title;
        this.headers = headers;
    }
}
