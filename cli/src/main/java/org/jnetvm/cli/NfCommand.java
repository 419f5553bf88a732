package org.jnetvm.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jnetvm.nf.runtime.NfMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code jnetvm nf NAME [options]}: runs one NF as this process. bin/jnetvm starts NF
 * processes straight at {@link NfMain} to save start-up time; this command is the same thing
 * for {@code --help} and for callers of the Java entry point.
 */
@Command(name = "nf", description = {"Run a network function as its own process, registered with a running manager.",
        "Built-in NFs: speed_tester, simple_forward, basic_monitor, bridge, pipeline; the NF suite: firewall,"
                + " load_balancer, flow_tracker, payload_scan, arp_response, router, rate_limiter, aes_encrypt,"
                + " aes_decrypt, packet_logger; for the scheduler's tests: busy (docs/nfs.md). `jnetvm nf NAME --help` lists an NF's options."})
final class NfCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME", arity = "0..1", description = "NF name, or a class name on the class path.")
    String name;

    @Unmatched
    List<String> rest = new ArrayList<>();

    @Override
    public Integer call() {
        String[] args = new String[1 + rest.size()];
        args[0] = name == null ? "--help" : name;
        for (int i = 0; i < rest.size(); i++) {
            args[i + 1] = rest.get(i);
        }
        return NfMain.run(args);
    }
}
