package org.jnetvm.nfs;

import org.jnetvm.nf.NetworkFunction;
import org.jnetvm.nf.NfContext;
import org.jnetvm.nf.PacketBurst;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Decrypts what {@link AesEncrypt} encrypted: reads the IV in front of each UDP payload,
 * decrypts the rest in place and takes the IV out, so encrypt then decrypt gives back the
 * datagram that went in. Datagrams whose payload is shorter than an IV are dropped (too_short).
 */
@Command(name = "aes_decrypt", description = {"Decrypts UDP payloads that aes_encrypt encrypted with the same key"
        + " (AES-CTR, the IV taken from in front of the payload and removed)."})
public final class AesDecrypt implements NetworkFunction {

    @Mixin
    AesOptions options = new AesOptions();

    final NfCounters counters = new NfCounters(AesEncrypt.counterNames("decrypted"));
    private UdpCrypt crypt;

    @Override
    public void init(NfContext context) {
        int[] ports = options.ports();
        crypt = new UdpCrypt(options.key(), context.pool().dataRoom(), ports[0], ports[1]);
    }

    @Override
    public void process(PacketBurst burst, NfContext context) {
        long[] c = counters.values;
        for (int i = 0; i < burst.size(); i++) {
            int outcome = crypt.decrypt(burst, i);
            c[outcome]++;
            if (outcome != UdpCrypt.DONE && outcome != UdpCrypt.PASSED) {
                burst.drop(i);
            }
        }
    }

    @Override
    public void stop(NfContext context) {
        System.out.println("aes_decrypt: " + counters.format());
    }
}
