package org.jnetvm.manager.control;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.jnetvm.nf.control.ControlCodec;
import org.jnetvm.nf.control.ControlMessage;

/** A test client that writes whatever bytes it is told to, the hostile ones included. */
final class RawClient implements AutoCloseable {
    final SocketChannel channel;

    private RawClient(SocketChannel channel) {
        this.channel = channel;
    }

    static RawClient connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return new RawClient(ch);
    }

    RawClient bytes(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
        return this;
    }

    RawClient length(int length) throws IOException {
        return bytes(ByteBuffer.allocate(4).putInt(length).array());
    }

    /** A well-framed body, whatever it holds. */
    RawClient json(String body) throws IOException {
        byte[] b = body.getBytes(UTF_8);
        return length(b.length).bytes(b);
    }

    RawClient send(ControlMessage m) throws IOException {
        ControlCodec.write(channel, m);
        return this;
    }

    /** The next message from the server, or null once it has closed the connection. */
    ControlMessage reply() throws IOException {
        return ControlCodec.read(channel);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
