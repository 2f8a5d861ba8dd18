package io.cassmail.http.admin;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** One API route: method, a path under {@code /api/v1} with {@code {name}} segments, who may call it, what it does. */
record Route(String method, String path, Access access, Handler handler) {

    /** Who may call a route. */
    enum Access { ANONYMOUS, SIGNED_IN, ADMIN }

    /** Answers one call. */
    interface Handler {
        Reply handle(ApiCall call) throws IOException;
    }

    /** A status and a body (serialized as JSON; null: no body), and a cookie to set or clear (null: none). */
    record Reply(int status, Object body, String setCookie) {
        static Reply ok(Object body) {
            return new Reply(200, body, null);
        }

        static Reply created(Object body) {
            return new Reply(201, body, null);
        }

        static Reply noContent() {
            return new Reply(204, null, null);
        }
    }

    /** A body that is not JSON: streamed as it is, then closed (a message's stored bytes). */
    record Raw(String contentType, java.io.InputStream in) {
    }

    /** The path's parameters when {@code segments} match this route's path, else null. */
    Map<String, String> match(String[] segments) {
        String[] mine = path.substring(1).split("/");
        if (mine.length != segments.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < mine.length; i++) {
            if (mine[i].startsWith("{")) {
                if (segments[i].isEmpty()) {
                    return null;
                }
                params.put(mine[i].substring(1, mine[i].length() - 1), segments[i]);
            } else if (!mine[i].equals(segments[i])) {
                return null;
            }
        }
        return params;
    }
}
