package org.jnetvm.manager.e2e;

import java.nio.ByteBuffer;
import org.jnetvm.core.msg.Message;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;

/**
 * Test NF, run in-process: passes packets on, and does what the manager's messages tell it:
 * send N messages to a service or to a slot (then report accepted and refused counts to the
 * manager), ask for another instance of its service, or retire.
 */
public final class Chatter implements NetworkFunction {
    static final int TO_SERVICE = 1;
    static final int TO_SLOT = 2;
    static final int SCALE_UP = 3;
    static final int RETIRE = 4;
    /** To the manager: int accepted, int refused. */
    static final int REPORT = 100;

    private final byte[] out = new byte[8];

    @Override
    public void process(PacketBurst burst, NfContext context) {
    }

    @Override
    public void onMessage(Message message, NfContext context) {
        byte[] in = new byte[message.length()];
        message.copyPayload(in, 0);
        ByteBuffer args = ByteBuffer.wrap(in);
        switch (message.type()) {
            case TO_SERVICE, TO_SLOT -> {
                int target = args.getInt(0);
                int count = args.getInt(4);
                int accepted = 0;
                for (int i = 0; i < count; i++) {
                    ByteBuffer.wrap(out).putInt(0, i);
                    boolean ok = message.type() == TO_SERVICE ? context.sendToService(target, 1, out, 0, 4)
                            : context.send(target, 1, out, 0, 4);
                    accepted += ok ? 1 : 0;
                }
                report(context, accepted, count - accepted);
            }
            case SCALE_UP -> report(context, context.requestScaleUp() ? 1 : 0, 0);
            case RETIRE -> context.requestStop();
            default -> { }
        }
    }

    private void report(NfContext context, int accepted, int refused) {
        ByteBuffer.wrap(out).putInt(0, accepted).putInt(4, refused);
        context.sendToManager(REPORT, out, 0, 8);
    }

    static byte[] args(int target, int count) {
        return ByteBuffer.allocate(8).putInt(0, target).putInt(4, count).array();
    }
}
