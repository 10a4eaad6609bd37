package io.glimpse.server;

import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Whether the client of a request still being answered has gone, for answers that write nothing until they are done.
 * Jetty does not read an HTTP/1.1 connection while a handler runs, so a client's close goes unnoticed; once the
 * body is read, a non-blocking read of the socket tells: end of stream or an error means the client left. A byte
 * read instead belongs to a pipelined next request, which this response then cannot leave intact, so the connection
 * is closed after it (clients retry on a fresh one) and the watch stops reading.
 */
final class ClientWatch {
    private final Context ctx;
    private final EndPoint endPoint;
    private final ByteBuffer probe = ByteBuffer.allocate(1);
    private boolean gone;
    private boolean pipelined;

    ClientWatch(Context ctx) {
        this.ctx = ctx;
        this.endPoint = ServletContextRequest.getServletContextRequest(ctx.req()).getRequest().getConnectionMetaData()
                .getConnection().getEndPoint();
    }

    boolean gone() {
        if (gone || pipelined) {
            return gone;
        }
        try {
            probe.clear().flip();
            int n = endPoint.fill(probe);
            if (n < 0) {
                gone = true;
            } else if (n > 0) {
                pipelined = true;
                ctx.header("Connection", "close");
            }
        } catch (IOException e) {
            gone = true;
        }
        return gone || !endPoint.isOpen();
    }
}
