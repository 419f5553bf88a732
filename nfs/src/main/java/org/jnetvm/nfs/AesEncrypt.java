package org.jnetvm.nfs;

import java.security.SecureRandom;
import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Encrypts UDP payloads with AES-CTR, an 8-byte IV carried in front of each payload
 * ({@link UdpCrypt} says why and how); {@link AesDecrypt} with the same key restores them.
 * Datagrams grow by 8 bytes. Confidentiality only: CTR has no integrity check.
 */
@Command(name = "aes_encrypt", description = {"Encrypts UDP payloads in place with AES-CTR (javax.crypto), a per-packet"
        + " 8-byte IV in front of the payload (datagrams grow by 8 bytes); aes_decrypt with the same key restores them.",
        "No integrity protection (CTR alone). Fragmented UDP datagrams are dropped (fragment)."})
public final class AesEncrypt implements NetworkFunction {

    @Mixin
    AesOptions options = new AesOptions();

    final NfCounters counters = new NfCounters(counterNames("encrypted"));
    private UdpCrypt crypt;
    private long iv;

    static String[] counterNames(String done) {
        String[] names = new String[UdpCrypt.OUTCOMES.length + 1];
        names[0] = done;
        System.arraycopy(UdpCrypt.OUTCOMES, 0, names, 1, UdpCrypt.OUTCOMES.length);
        return names;
    }

    @Override
    public void init(NfContext context) {
        int[] ports = options.ports();
        crypt = new UdpCrypt(options.key(), context.pool().dataRoom(), ports[0], ports[1]);
        iv = new SecureRandom().nextLong(); // the first IV: see UdpCrypt for why random and then counting
    }

    /** Starts the IV counter at {@code first} (tests). */
    void firstIv(long first) {
        iv = first;
    }

    @Override
    public void process(PacketBurst burst, NfContext context) {
        long[] c = counters.values;
        for (int i = 0; i < burst.size(); i++) {
            int outcome = crypt.encrypt(burst, i, iv);
            c[outcome]++;
            if (outcome == UdpCrypt.DONE) {
                iv++;
            } else if (outcome != UdpCrypt.PASSED) {
                burst.drop(i);
            }
        }
    }

    @Override
    public void stop(NfContext context) {
        System.out.println("aes_encrypt: " + counters.format());
    }
}
