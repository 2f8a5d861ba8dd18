package io.cassmail.smtp;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A server socket whose connections pass every reply through {@link Replies#withEnhancedCode}, so no
 * reply leaves without an enhanced status code, including the ones SubEthaSMTP writes itself.
 */
final class EnhancedStatusServerSocket extends ServerSocket {
    private static final Pattern CRLF = Pattern.compile("\r\n");

    EnhancedStatusServerSocket() throws IOException {
        super();
    }

    @Override
    public Socket accept() throws IOException {
        Socket socket = new ReplyFilteringSocket();
        implAccept(socket);
        return socket;
    }

    /** A socket whose output stream rewrites reply lines at each flush (SubEthaSMTP flushes per reply). */
    private static final class ReplyFilteringSocket extends Socket {
        private OutputStream filtered;

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (filtered == null) {
                filtered = new ReplyFilter(super.getOutputStream());
            }
            return filtered;
        }
    }

    private static final class ReplyFilter extends FilterOutputStream {
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        ReplyFilter(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            pending.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            if (pending.size() > 0) {
                String text = pending.toString(StandardCharsets.UTF_8);
                pending.reset();
                StringBuilder out = new StringBuilder(text.length() + 16);
                for (String line : CRLF.split(text, -1)) {
                    if (out.length() > 0) {
                        out.append("\r\n");
                    }
                    out.append(Replies.withEnhancedCode(line));
                }
                this.out.write(out.toString().getBytes(StandardCharsets.UTF_8));
            }
            this.out.flush();
        }

        @Override
        public void close() throws IOException {
            try {
                flush();
            } catch (IOException ignored) {
                // the peer is gone
            }
            super.close();
        }
    }
}
