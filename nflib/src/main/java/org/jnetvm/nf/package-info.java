/**
 * The NF API: what an NF author implements ({@link org.jnetvm.nf.NetworkFunction}) and what
 * the platform hands it (bursts of packets, a context). The same NF class runs as its own
 * process or inside the manager's JVM.
 */
package org.jnetvm.nf;
