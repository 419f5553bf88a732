package org.jnetvm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code jnetvm demo}: the README's first command. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a manager with a generator port and an example chain, and show live figures.")
final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("jnetvm demo: coming in the manager issue (#3). Until then try: bin/jnetvm bench ring");
        return 0;
    }
}
