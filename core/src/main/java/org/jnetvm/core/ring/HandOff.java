package org.jnetvm.core.ring;

/**
 * Called by {@link MpmcRing#enqueueBurst(int[], int, int, HandOff)} for each entry after its
 * slot is claimed and before it is published: the last moment the producer still owns the
 * buffer and the first at which it is sure the buffer will be in the ring. The router uses it
 * to stamp the new owner, so a producer that dies mid-enqueue leaves every buffer it did not
 * publish stamped with its own id (see Router and Reclaimer).
 */
@FunctionalInterface
public interface HandOff {
    void beforePublish(int index);
}
