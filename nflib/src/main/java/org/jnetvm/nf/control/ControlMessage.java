package org.jnetvm.nf.control;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.util.Objects;

/**
 * One message of the control protocol between an NF and the manager. On the wire each is one
 * JSON object with {@code "v"} (the protocol version, {@link ControlCodec#VERSION}) and
 * {@code "type"} (the snake_case name given here), then the record's components as fields;
 * {@link ControlCodec} does the framing. Every field is required except
 * {@link Register#instance()} and {@link Register#hosted()}. The records are immutable and may be passed between threads.
 *
 * <p>NF to manager: {@link Register}, {@link State}, {@link Bye}. Manager to NF:
 * {@link Registered}, {@link Error}, {@link Stop}, {@link Pause}, {@link Resume}, {@link Spawn}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ControlMessage.Register.class, name = "register"),
    @JsonSubTypes.Type(value = ControlMessage.State.class, name = "state"),
    @JsonSubTypes.Type(value = ControlMessage.Bye.class, name = "bye"),
    @JsonSubTypes.Type(value = ControlMessage.Registered.class, name = "registered"),
    @JsonSubTypes.Type(value = ControlMessage.Error.class, name = "error"),
    @JsonSubTypes.Type(value = ControlMessage.Stop.class, name = "stop"),
    @JsonSubTypes.Type(value = ControlMessage.Pause.class, name = "pause"),
    @JsonSubTypes.Type(value = ControlMessage.Resume.class, name = "resume"),
    @JsonSubTypes.Type(value = ControlMessage.Spawn.class, name = "spawn"),
})
public sealed interface ControlMessage {

    /**
     * NF to manager, first on a connection: "I am an instance of this service".
     *
     * @param service       a service name or its decimal id
     * @param instance      the instance id wanted, or {@link #ANY_INSTANCE} for any free one;
     *                      may be left out on the wire, which means {@link #ANY_INSTANCE}
     * @param pid           the NF's process id, so the manager can watch the process
     * @param nf            the NF's kind, e.g. {@code simple_forward}
     * @param layoutVersion the shared-memory layout version the NF was built with
     * @param hosted        whether the NF runs in an NF host, which can start more NFs like it ({@link Spawn});
     *                      may be left out on the wire, which means false
     */
    record Register(
            String service,
            // Optional: the codec gives ANY_INSTANCE when the input lacks it.
            @JacksonInject(value = ANY_INSTANCE_KEY, useInput = OptBoolean.TRUE) int instance,
            long pid,
            String nf,
            int layoutVersion,
            boolean hosted) implements ControlMessage {
        /** The {@link #instance()} that asks the manager for any free instance id. */
        public static final int ANY_INSTANCE = -1;
        /** The key under which {@link ControlCodec} injects {@link #ANY_INSTANCE}. */
        static final String ANY_INSTANCE_KEY = "org.jnetvm.nf.control.Register.anyInstance";

        public Register {
            Objects.requireNonNull(service, "register needs a service name or id");
            Objects.requireNonNull(nf, "register needs the NF's kind (nf)");
            if (instance < ANY_INSTANCE) {
                throw new IllegalArgumentException("register instance " + instance
                        + " is not an instance id: use 0 or more, or " + ANY_INSTANCE + " for any free one");
            }
            if (pid <= 0) {
                throw new IllegalArgumentException("register pid " + pid + " is not a process id");
            }
        }

        /** An NF that is not hosted. */
        public Register(String service, int instance, long pid, String nf, int layoutVersion) {
            this(service, instance, pid, nf, layoutVersion, false);
        }
    }

    /** NF to manager: the NF's lifecycle state changed. */
    record State(NfState state) implements ControlMessage {
        public State {
            Objects.requireNonNull(state, "state needs a state (running, paused or stopping)");
        }
    }

    /** NF to manager: clean deregistration; the manager then closes the connection. */
    record Bye() implements ControlMessage {
    }

    /**
     * Manager to NF: the reply to a successful {@link Register}.
     *
     * @param slot          the NF table slot, which names the NF's rings in the region
     * @param serviceId     the numeric id of the service registered for
     * @param instanceId    the instance id given (the asked one, or a free one)
     * @param regionPath    the shared-memory region file the NF must map
     * @param layoutVersion the region's layout version
     * @param capture       a pcap file the NF writes every packet it receives into (the service's
     *                      {@code capture:} option), or null; absent from the frame when null
     */
    record Registered(int slot, int serviceId, int instanceId, String regionPath, int layoutVersion, String capture)
            implements ControlMessage {
        public Registered {
            Objects.requireNonNull(regionPath, "registered needs the region's path");
        }

        /** A registration without capture. */
        public Registered(int slot, int serviceId, int instanceId, String regionPath, int layoutVersion) {
            this(slot, serviceId, instanceId, regionPath, layoutVersion, null);
        }
    }

    /**
     * Manager to NF: the request (or frame) just received was refused.
     *
     * @param code    what kind of refusal
     * @param message what was wrong, with the value, and what to do, for a person to read
     */
    record Error(ControlError code, String message) implements ControlMessage {
        public Error {
            Objects.requireNonNull(code, "error needs a code");
            Objects.requireNonNull(message, "error needs a message");
        }
    }

    /** Manager to NF: finish the current burst, say bye and exit. */
    record Stop() implements ControlMessage {
    }

    /** Manager to NF: stop taking packets until {@link Resume}. */
    record Pause() implements ControlMessage {
    }

    /** Manager to NF: take packets again after {@link Pause}. */
    record Resume() implements ControlMessage {
    }

    /**
     * Manager to a hosted NF ({@link Register#hosted()}): start {@code count} more NFs like this one in its host;
     * each registers as any NF does. How a per-flow service's pool grows. An NF that is not hosted logs it and
     * does nothing.
     *
     * @param count how many, 1 or more
     */
    record Spawn(int count) implements ControlMessage {
        public Spawn {
            if (count < 1) {
                throw new IllegalArgumentException("spawn count " + count + " must be 1 or more");
            }
        }
    }

    /** The lifecycle states an NF reports in {@link State}; lower-case on the wire. */
    enum NfState {
        @JsonProperty("running") RUNNING,
        @JsonProperty("paused") PAUSED,
        @JsonProperty("stopping") STOPPING
    }
}
