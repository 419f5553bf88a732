package org.jnetvm.nfs;

import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Sends every packet to one service (OpenNetVM's simple_forward). */
@Command(name = "simple_forward", description = "Sends every packet to the service given by --dest.")
public final class SimpleForward implements NetworkFunction {

    @Option(names = {"-d", "--dest"}, required = true, paramLabel = "SERVICE",
            description = "Service (name or id) that receives every packet.")
    String dest;

    private int destId;

    public SimpleForward() {
    }

    public SimpleForward(String dest) {
        this.dest = dest;
    }

    @Override
    public void init(NfContext context) {
        destId = Services.require(context, dest, "--dest");
    }

    @Override
    public void process(PacketBurst burst, NfContext context) {
        for (int i = 0; i < burst.size(); i++) {
            burst.toService(i, destId);
        }
    }
}
