package org.jnetvm.manager.port;

import org.jnetvm.core.route.Router;

/** A port that receives nothing and accepts (counts and frees) everything sent to it. */
public final class SinkPort implements Port {
    private final String name;

    public SinkPort(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return "sink";
    }

    @Override
    public int receive(int[] dst, int max, Router router) {
        return 0;
    }

    @Override
    public int transmit(int[] indices, int offset, int count, Router router) {
        router.release(indices, offset, count);
        return count;
    }
}
