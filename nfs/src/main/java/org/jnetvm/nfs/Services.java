package org.jnetvm.nfs;

import org.jnetvm.nf.NfContext;

/** Resolving the service and port names NFs take as options. */
final class Services {
    private Services() {
    }

    /** The id of service {@code name}, or an error that says which option named an unknown service. */
    static int require(NfContext context, String name, String option) {
        int id = context.serviceId(name);
        if (id < 0) {
            throw new IllegalArgumentException(option + " " + name + ": no such service; define it in the manager's "
                    + "config (services: or nfs:) or pass a service id");
        }
        return id;
    }
}
