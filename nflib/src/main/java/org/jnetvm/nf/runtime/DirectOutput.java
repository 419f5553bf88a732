package org.jnetvm.nf.runtime;

import org.jnetvm.core.route.Router;

/**
 * Where an inline NF's OUT packets go: straight into a port, on the manager thread that runs
 * the NF, instead of through the NF's tx ring and a TX thread. {@code router} is the NF's own
 * (the port frees what it sent into that router's pool cache, which the same thread owns).
 */
@FunctionalInterface
public interface DirectOutput {
    /** @return how many it took, from the front; the router drops the rest as ring_full */
    int transmit(int port, int[] indices, int offset, int count, Router router);
}
