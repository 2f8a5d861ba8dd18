package io.cassmail.operations;

/**
 * An operation refused, in one sentence an operator can act on; the CLI prints it and exits 1, the API answers it as
 * a problem document with the status its kind stands for.
 */
public final class OperationException extends IllegalArgumentException {

    /** Why: bad input (400), no such thing (404), or a state that forbids it (409). */
    public enum Kind { INVALID, NOT_FOUND, CONFLICT }

    private final Kind kind;

    public OperationException(Kind kind, String sentence) {
        super(sentence);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    static OperationException invalid(String sentence) {
        return new OperationException(Kind.INVALID, sentence);
    }

    static OperationException notFound(String sentence) {
        return new OperationException(Kind.NOT_FOUND, sentence);
    }

    static OperationException conflict(String sentence) {
        return new OperationException(Kind.CONFLICT, sentence);
    }
}
