package io.cassmail.ingest;

/** Keeps the header section of a streaming message (up to the first empty line, bounded) for the summary. */
final class HeaderCapture {
    private static final int LIMIT = 256 * 1024;
    private final byte[] buffer = new byte[LIMIT];
    private int length;
    private boolean complete;
    private int lineLength;

    void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len && !complete; i++) {
            byte c = b[i];
            if (length == LIMIT) {
                complete = true;
                break;
            }
            buffer[length++] = c;
            if (c == '\n') {
                if (lineLength == 0) {
                    complete = true;
                }
                lineLength = 0;
            } else if (c != '\r') {
                lineLength++;
            }
        }
    }

    byte[] bytes() {
        return buffer;
    }

    int length() {
        return length;
    }
}
