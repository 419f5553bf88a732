package org.jnetvm.cli;

import picocli.CommandLine.Command;

/** {@code jnetvm region}: inspect shared-memory regions. */
@Command(name = "region", mixinStandardHelpOptions = true,
        description = "Inspect a shared-memory region (header, pool audit).")
final class RegionCommand implements Runnable {
    @Override
    public void run() {
    }
}
