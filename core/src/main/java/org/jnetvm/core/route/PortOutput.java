package org.jnetvm.core.route;

/** Where a {@link Router} sends packets whose action is OUT. */
@FunctionalInterface
public interface PortOutput {
    /**
     * Takes {@code count} packets from {@code indices[offset ..]} for port {@code port}.
     *
     * @return how many it took, from the front; the router drops the rest as ring_full
     */
    int transmit(int port, int[] indices, int offset, int count);
}
