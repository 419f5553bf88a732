package org.jnetvm.core.ring;

// Producer-local and consumer-local state of an SpscRing, each padded onto its own 128 bytes
// of heap so that the producer thread's writes never invalidate the consumer thread's line
// (JCTools' trick: the JVM lays out superclass fields before subclass fields).

@SuppressWarnings("unused")
abstract class SpscRingPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

abstract class SpscRingProducerFields extends SpscRingPad0 {
    /** Next position the producer writes; mirrors the shared producer position. */
    int producerPosition;
    /** Last consumer position the producer read from shared memory: a lower bound of the real one. */
    int cachedConsumerPosition;
}

@SuppressWarnings("unused")
abstract class SpscRingPad1 extends SpscRingProducerFields {
    long p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
}

abstract class SpscRingConsumerFields extends SpscRingPad1 {
    /** Next position the consumer reads; mirrors the shared consumer position. */
    int consumerPosition;
    /** Last producer position the consumer read from shared memory: a lower bound of the real one. */
    int cachedProducerPosition;
}

@SuppressWarnings("unused")
abstract class SpscRingPad2 extends SpscRingConsumerFields {
    long p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p2a, p2b, p2c, p2d, p2e, p2f;
}
