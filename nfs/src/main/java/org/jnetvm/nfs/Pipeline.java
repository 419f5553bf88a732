package org.jnetvm.nfs;

import java.util.ArrayList;
import java.util.List;
import org.jnetvm.core.buffer.Action;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;
import org.jnetvm.nf.runtime.NfCatalog;
import org.jnetvm.nf.runtime.NfMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Several NFs run to completion in one loop (BESS/VPP style): each burst goes through every
 * stage in turn, and a stage sees only the packets that the stages before it left on NEXT.
 * The last action a packet got is the one carried out. The stages are the ordinary NF classes,
 * unchanged, so a chain can run as one NF per process or all in one, and the two compared.
 */
@Command(name = "pipeline", description = "Runs several NFs one after the other on each burst, in this one NF (run-to-completion).")
public final class Pipeline implements NetworkFunction {

    @Option(names = "--stages", split = ",", required = true, paramLabel = "NF",
            description = "NF names, in order; each runs with its default options (e.g. basic_monitor,simple_forward).")
    List<String> stageNames;

    @Option(names = "--stage-arg", paramLabel = "NF=ARG", description = "An option for one stage, e.g. simple_forward=--dest=out (repeatable).")
    List<String> stageArgs = new ArrayList<>();

    private NetworkFunction[] stages;
    private PacketBurst[] views;
    private int[][] indices;

    @Override
    public void init(NfContext context) {
        NfCatalog catalog = NfCatalog.load();
        stages = new NetworkFunction[stageNames.size()];
        for (int s = 0; s < stages.length; s++) {
            String name = stageNames.get(s);
            List<String> args = new ArrayList<>();
            for (String a : stageArgs) {
                if (a.startsWith(name + "=")) {
                    args.add(a.substring(name.length() + 1));
                }
            }
            stages[s] = NfMain.configure(catalog, name, args.toArray(String[]::new)).nf();
            stages[s].init(context);
        }
        views = new PacketBurst[stages.length];
        indices = new int[stages.length][];
    }

    @Override
    public void process(PacketBurst burst, NfContext context) {
        PacketBurst current = burst;
        for (int s = 0; s < stages.length; s++) {
            if (s > 0) {
                current = survivors(current, s, context);
                if (current.size() == 0) {
                    return;
                }
            }
            stages[s].process(current, context);
        }
    }

    // The packets of `from` still on NEXT, as the burst stage s sees.
    private PacketBurst survivors(PacketBurst from, int s, NfContext context) {
        if (views[s] == null || indices[s].length < from.size()) {
            indices[s] = new int[Math.max(from.size(), 32)];
            views[s] = new PacketBurst(indices[s], context.pool().newMeta(), context.segment());
        }
        int[] dst = indices[s];
        int n = 0;
        for (int i = 0; i < from.size(); i++) {
            if (from.meta(i).action() == Action.NEXT) {
                dst[n++] = from.index(i);
            }
        }
        return views[s].size(n);
    }

    @Override
    public void idle(NfContext context) {
        for (NetworkFunction stage : stages) {
            stage.idle(context);
        }
    }

    @Override
    public void stop(NfContext context) {
        for (NetworkFunction stage : stages) {
            stage.stop(context);
        }
    }
}
