package org.jnetvm.manager.e2e;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jnetvm.core.msg.Message;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;

/** Test NF, run in-process: records the messages each instance receives (sender, type, first int of the payload). */
public final class Recorder implements NetworkFunction {
    record Got(int sender, int type, int value) {
    }

    static final Map<Integer, List<Got>> GOT = new ConcurrentHashMap<>();

    @Override
    public void process(PacketBurst burst, NfContext context) {
    }

    @Override
    public void onMessage(Message message, NfContext context) {
        GOT.computeIfAbsent(context.instanceId(), k -> new CopyOnWriteArrayList<>())
                .add(new Got(message.sender(), message.type(), value(message)));
    }

    private static int value(Message message) {
        if (message.length() < 4) {
            return -1;
        }
        byte[] b = new byte[message.length()];
        message.copyPayload(b, 0);
        return ByteBuffer.wrap(b).getInt(0);
    }

    static List<Got> got(int instance) {
        return GOT.getOrDefault(instance, List.of());
    }
}
