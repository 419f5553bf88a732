package org.jnetvm.core.msg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jnetvm.core.region.Region;
import org.jnetvm.core.testing.TestRegions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InboxTest {
    private Region region;
    private Messages messages;

    @BeforeEach
    void open() {
        region = Region.create(TestRegions.small("inbox").nfSlots(4).build());
        messages = new Messages(region);
    }

    @AfterEach
    void close() {
        region.close();
    }

    @Test
    void a_message_arrives_with_its_type_sender_and_payload() {
        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
        assertThat(messages.send(1, 2, 7, hello, 0, hello.length)).isTrue();
        assertThat(messages.send(MessageDescriptor.MANAGER, 2, 8, null, 0, 0)).isTrue();
        Message m = new Message();
        assertThat(messages.inbox(2).poll(m)).isTrue();
        assertThat(m.type()).isEqualTo(7);
        assertThat(m.sender()).isEqualTo(1);
        assertThat(m.payloadString()).isEqualTo("hello");
        assertThat(messages.inbox(2).poll(m)).isTrue();
        assertThat(m.type()).isEqualTo(8);
        assertThat(m.sender()).isEqualTo(MessageDescriptor.MANAGER);
        assertThat(m.length()).isZero();
        assertThat(messages.inbox(2).poll(m)).isFalse();
        assertThat(messages.sent(1)).isEqualTo(1);
        assertThat(messages.sent(MessageDescriptor.MANAGER)).isEqualTo(1);
    }

    @Test
    void a_full_inbox_refuses_and_counts_and_takes_again_once_read() {
        for (int i = 0; i < MessageDescriptor.MANAGER_CAPACITY; i++) {
            assertThat(messages.send(0, MessageDescriptor.MANAGER, i, null, 0, 0)).isTrue();
        }
        assertThat(messages.send(0, MessageDescriptor.MANAGER, 99, null, 0, 0)).isFalse();
        assertThat(messages.sent(0)).isEqualTo(MessageDescriptor.MANAGER_CAPACITY);
        assertThat(messages.refused(0)).isEqualTo(1);
        Message m = new Message();
        assertThat(messages.inbox(MessageDescriptor.MANAGER).poll(m)).isTrue();
        assertThat(m.type()).isZero();
        assertThat(messages.send(0, MessageDescriptor.MANAGER, 100, null, 0, 0)).isTrue();
        assertThat(messages.inbox(MessageDescriptor.MANAGER).size()).isEqualTo(MessageDescriptor.MANAGER_CAPACITY);
    }

    @Test
    void a_payload_too_big_for_a_slot_is_refused_with_its_size() {
        assertThatThrownBy(() -> messages.send(0, 1, 1, new byte[49], 0, 49))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("49 bytes");
    }

    @Test
    void concurrent_senders_lose_nothing_and_keep_each_senders_order() throws Exception {
        int senders = 3;
        int each = 20_000;
        List<Thread> threads = new ArrayList<>();
        AtomicLong refused = new AtomicLong();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            threads.add(Thread.ofPlatform().start(() -> {
                byte[] payload = new byte[8];
                for (int i = 0; i < each; ) {
                    ByteBuffer.wrap(payload).putInt(0, i);
                    if (messages.send(sender, 3, 1, payload, 0, 8)) {
                        i++;
                    } else {
                        refused.incrementAndGet();
                        Thread.onSpinWait();
                    }
                }
            }));
        }
        int[] next = new int[senders];
        Message m = new Message();
        byte[] payload = new byte[8];
        long deadline = System.nanoTime() + 30_000_000_000L;
        int taken = 0;
        while (taken < senders * each && System.nanoTime() < deadline) {
            if (messages.inbox(3).poll(m)) {
                m.copyPayload(payload, 0);
                assertThat(ByteBuffer.wrap(payload).getInt(0)).isEqualTo(next[m.sender()]++);
                taken++;
            }
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertThat(taken).isEqualTo(senders * each);
        long counted = 0;
        for (int s = 0; s < senders; s++) {
            counted += messages.refused(s);
        }
        assertThat(counted).isEqualTo(refused.get());
    }
}
