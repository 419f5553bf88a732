package org.jnetvm.nfs;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES in counter mode (NIST SP 800-38A) over bytes in a segment, in place, without allocating:
 * the counter blocks of one message are encrypted in one {@code Cipher.update} of a reused
 * {@code AES/ECB/NoPadding} cipher (initialised once), and the keystream is XORed into the data
 * 8 bytes at a time. Encrypting and decrypting are the same operation.
 *
 * <p>Why not {@code AES/CTR/NoPadding}: its counter is set by {@code Cipher.init} with a new
 * {@code IvParameterSpec}, which allocates and re-expands the key on every packet. Building
 * the counter blocks ourselves gives the same bytes (the tests compare with the JDK's CTR) with
 * one cipher for the NF's life.
 *
 * <p>Counter block (RFC 3686's layout): 4 zero bytes, the 8-byte per-message IV, and a 4-byte
 * block counter starting at 1. One instance per thread.
 */
final class AesCtr {
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private final Cipher cipher;
    private final byte[] counters;
    private final byte[] keystream;
    private final MemorySegment counterView;
    private final MemorySegment keystreamView;
    private final int maxLength;

    /** A cipher for messages of up to {@code maxLength} bytes under {@code key} (16, 24 or 32 bytes). */
    AesCtr(byte[] key, int maxLength) {
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException("an AES key has 16, 24 or 32 bytes, not " + key.length);
        }
        try {
            cipher = Cipher.getInstance("AES/ECB/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no AES: " + e, e);
        }
        this.maxLength = maxLength;
        int blocks = (maxLength + 15) / 16;
        counters = new byte[blocks * 16];
        keystream = new byte[blocks * 16];
        counterView = MemorySegment.ofArray(counters);
        keystreamView = MemorySegment.ofArray(keystream);
        for (int b = 0; b < blocks; b++) {
            counterView.set(INT_BE, b * 16L + 12, b + 1); // the block counters never change
        }
    }

    int maxLength() {
        return maxLength;
    }

    /** XORs the keystream of {@code iv} into {@code [offset, offset + length)} of {@code segment}. */
    void apply(MemorySegment segment, long offset, int length, long iv) {
        if (length <= 0) {
            return;
        }
        int bytes = (length + 15) & ~15;
        for (int b = 0; b < bytes; b += 16) {
            counterView.set(LONG_BE, b + 4L, iv);
        }
        try {
            cipher.update(counters, 0, bytes, keystream, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e); // the keystream buffer holds maxLength rounded up: cannot happen
        }
        int p = 0;
        for (; length - p >= 8; p += 8) {
            segment.set(LONG, offset + p, segment.get(LONG, offset + p) ^ keystreamView.get(LONG, p));
        }
        for (; p < length; p++) {
            segment.set(ValueLayout.JAVA_BYTE, offset + p,
                    (byte) (segment.get(ValueLayout.JAVA_BYTE, offset + p) ^ keystream[p]));
        }
    }
}
