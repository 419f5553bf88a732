/**
 * Output off the data plane for NFs that write per packet (loggers, recorders): {@link org.jnetvm.nf.io.BatchedOutput},
 * opened with {@link org.jnetvm.nf.NfContext#openOutput}, with packets held while it is behind
 * ({@link org.jnetvm.nf.PacketBurst#hold}). NFVnice's efficient I/O.
 */
package org.jnetvm.nf.io;
