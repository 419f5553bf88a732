package org.jnetvm.nfs;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * An NF's own counters by name: what it did with packets and why it dropped them (the
 * platform counts every NF drop as {@code nf_drop}; these say which rule or reason). Written
 * only by the NF's loop thread, with plain increments of a {@code long[]}; read from any thread
 * (reports, tests) with opaque loads, which never tear and need no lock.
 */
final class NfCounters {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final String[] names;
    /** The counts; the NF's loop thread increments {@code values[i]} directly. */
    final long[] values;

    NfCounters(String... names) {
        this.names = names.clone();
        this.values = new long[names.length];
    }

    /** Counter {@code i} as another thread may read it. */
    long get(int i) {
        return read(values, i);
    }

    /** Element {@code i} of a counter array that another thread writes: an opaque load. */
    static long read(long[] array, int i) {
        return (long) LONGS.getOpaque(array, i);
    }

    /** The counter called {@code name}. */
    long get(String name) {
        int i = Arrays.asList(names).indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no counter '" + name + "'; counters: " + String.join(", ", names));
        }
        return get(i);
    }

    /** {@code name=value} for every counter, separated by blanks. */
    String format() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                s.append(' ');
            }
            s.append(names[i]).append('=').append(get(i));
        }
        return s.toString();
    }
}
