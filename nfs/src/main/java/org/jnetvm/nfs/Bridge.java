package org.jnetvm.nfs;

import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;
import picocli.CommandLine.Command;

/**
 * Sends each packet out of the other port of a pair: in on port 2k, out on 2k+1, and back
 * (OpenNetVM's bridge). With a single port, packets go back out of it.
 */
@Command(name = "bridge", description = "Sends each packet out of the other port (0<->1, 2<->3, ...).")
public final class Bridge implements NetworkFunction {

    private int ports;

    @Override
    public void init(NfContext context) {
        ports = Math.max(1, context.portCount());
    }

    @Override
    public void process(PacketBurst burst, NfContext context) {
        for (int i = 0; i < burst.size(); i++) {
            int in = burst.meta(i).inputPort();
            int out = in ^ 1;
            burst.out(i, out < ports ? out : in);
        }
    }
}
