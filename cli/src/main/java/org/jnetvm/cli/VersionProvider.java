package org.jnetvm.cli;

import picocli.CommandLine;

/** Reports the build's version and the JVM it runs on. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = JNetVm.class.getPackage().getImplementationVersion();
        return new String[] {
                "jnetvm " + (v == null ? "development build" : v),
                "JVM: " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")"
        };
    }
}
