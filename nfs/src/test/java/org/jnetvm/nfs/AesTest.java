package org.jnetvm.nfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jnetvm.core.packet.Checksums;
import org.jnetvm.core.packet.FrameBuilder;
import org.jnetvm.core.packet.PacketParser;
import org.jnetvm.nf.runtime.NfCatalog;
import org.jnetvm.nf.runtime.NfMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AesTest {
    static final String KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    static AesEncrypt encrypt(String... more) {
        return (AesEncrypt) NfMain.configure(NfCatalog.load(), "aes_encrypt", args(more)).nf();
    }

    static AesDecrypt decrypt(String... more) {
        return (AesDecrypt) NfMain.configure(NfCatalog.load(), "aes_decrypt", args(more)).nf();
    }

    private static String[] args(String... more) {
        List<String> a = new ArrayList<>(List.of("--key", KEY));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void theKeystreamIsTheJdksAesCtrWithTheIvInTheMiddleOfTheCounterBlock() throws Exception {
        byte[] key = HexFormat.of().parseHex(KEY);
        AesCtr ours = new AesCtr(key, 2048);
        Cipher jdk = Cipher.getInstance("AES/CTR/NoPadding");
        Random random = new Random(5);
        for (int length : new int[] {1, 7, 8, 15, 16, 17, 33, 100, 1472, 2048}) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            long iv = random.nextLong();
            byte[] counter = ByteBuffer.allocate(16).putInt(0).putLong(iv).putInt(1).array();
            jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(counter));
            byte[] expected = jdk.doFinal(data);
            byte[] padded = new byte[length + 5];
            System.arraycopy(data, 0, padded, 3, length);
            ours.apply(MemorySegment.ofArray(padded), 3, length, iv);
            assertThat(Arrays.copyOfRange(padded, 3, 3 + length)).as("length %d", length).isEqualTo(expected);
            assertThat(padded[0] | padded[1] | padded[2] | padded[length + 3] | padded[length + 4])
                    .as("nothing outside the range").isZero();
        }
    }

    static FrameBuilder udp(int length) {
        FrameBuilder b = new FrameBuilder();
        b.srcPort = 4000;
        b.dstPort = 5000;
        b.payload = new byte[length];
        new Random(length).nextBytes(b.payload);
        return b;
    }

    static void assertValid(byte[] frame) {
        PacketParser p = new PacketParser();
        assertThat(p.parse(MemorySegment.ofArray(frame), 0, frame.length)).as("parses").isEqualTo(PacketParser.OK);
        assertThat(Checksums.verifyL4(p)).as("UDP checksum").isTrue();
        if (p.l3Kind() == org.jnetvm.core.packet.L3Kind.IPV4) {
            assertThat(Checksums.verifyIpv4Header(MemorySegment.ofArray(frame), p.l3Offset())).as("IPv4 checksum").isTrue();
        }
        assertThat(p.l3End()).as("IP length covers the frame").isEqualTo(frame.length);
    }

    @Test
    void encryptThenDecryptIsTheIdentityAndTheMiddleIsScrambled() {
        List<byte[]> frames = new ArrayList<>();
        for (int length : new int[] {0, 1, 8, 13, 100, 1000, 1472}) {
            frames.add(udp(length).build());
        }
        FrameBuilder v6 = udp(300);
        v6.l3 = FrameBuilder.L3_IPV6;
        frames.add(v6.build());
        FrameBuilder tagged = udp(64).vlan(0x8100, 42);
        frames.add(tagged.build());
        FrameBuilder noChecksum = udp(50);
        noChecksum.udpZeroChecksum = true;
        frames.add(noChecksum.build());

        AesEncrypt enc = encrypt();
        List<byte[]> middle;
        try (NfHarness h = NfHarness.start(enc)) {
            enc.firstIv(0x1122_3344_5566_7700L);
            middle = h.run(frames, 0).stream().peek(o -> assertThat(o.forwarded()).isTrue())
                    .map(NfHarness.Outcome::frame).toList();
        }
        for (int i = 0; i < frames.size(); i++) {
            byte[] in = frames.get(i);
            byte[] mid = middle.get(i);
            assertThat(mid.length).isEqualTo(in.length + 8);
            assertValid(mid);
            PacketParser p = new PacketParser();
            p.parse(MemorySegment.ofArray(mid), 0, mid.length);
            long iv = ByteBuffer.wrap(mid, (int) p.payloadOffset(), 8).getLong();
            assertThat(iv).as("IV of packet %d", i).isEqualTo(0x1122_3344_5566_7700L + i);
            int payloadLength = p.payloadLength() - 8;
            byte[] plain = Arrays.copyOfRange(in, in.length - payloadLength, in.length);
            byte[] cipher = Arrays.copyOfRange(mid, mid.length - payloadLength, mid.length);
            if (payloadLength >= 8) {
                assertThat(cipher).as("payload %d scrambled", i).isNotEqualTo(plain);
            }
        }
        assertThat(middle.get(9)[14 + 20 + 6] | middle.get(9)[14 + 20 + 7]).as("no UDP checksum stays none").isZero();
        assertThat(enc.counters.get("encrypted")).isEqualTo(frames.size());

        AesDecrypt dec = decrypt();
        try (NfHarness h = NfHarness.start(dec)) {
            List<NfHarness.Outcome> out = h.run(middle, 0);
            for (int i = 0; i < frames.size(); i++) {
                assertThat(out.get(i).frame()).as("frame %d after encrypt and decrypt", i).isEqualTo(frames.get(i));
            }
            assertThat(dec.counters.get("decrypted")).isEqualTo(frames.size());
        }
    }

    @Test
    void onlyChosenUdpIsTouchedAndWhatCannotBeDoneIsDroppedAndCounted() {
        FrameBuilder tcp = udp(40);
        tcp.protocol = PacketParser.PROTO_TCP;
        FrameBuilder otherPort = udp(40);
        otherPort.srcPort = 1;
        otherPort.dstPort = 2;
        FrameBuilder fragment = udp(40);
        fragment.moreFragments = true;
        AesEncrypt enc = encrypt("--udp-port", "5000");
        try (NfHarness h = NfHarness.start(enc)) {
            List<NfHarness.Outcome> out = h.run(List.of(tcp.build(), otherPort.build(), fragment.build(), udp(10).build()), 0);
            assertThat(out.get(0).frame()).isEqualTo(tcp.build());
            assertThat(out.get(1).frame()).isEqualTo(otherPort.build());
            assertThat(out.get(2).dropped()).isTrue();
            assertThat(out.get(3).frame().length).isEqualTo(udp(10).build().length + 8);
            assertThat(enc.counters.format()).isEqualTo("encrypted=1 passed=2 fragment=1 no_headroom=0 too_long=0 too_short=0");
        }
        AesDecrypt dec = decrypt();
        try (NfHarness h = NfHarness.start(dec)) {
            assertThat(h.run(udp(7).build()).dropped()).as("shorter than an IV").isTrue();
            assertThat(dec.counters.get("too_short")).isEqualTo(1);
        }
    }

    @Test
    void theKeyComesFromExactlyOneOfTheOptionsAndIsChecked(@TempDir Path dir) throws Exception {
        Path raw = Files.write(dir.resolve("raw.key"), HexFormat.of().parseHex(KEY.substring(0, 32)));
        Path hex = Files.writeString(dir.resolve("hex.key"), KEY.substring(0, 24) + "\n" + KEY.substring(24) + "\n");
        AesOptions o = new AesOptions();
        o.keyFile = raw;
        assertThat(o.key()).hasSize(16);
        o.keyFile = hex;
        assertThat(o.key()).isEqualTo(HexFormat.of().parseHex(KEY));
        o.keyHex = KEY;
        assertThatThrownBy(o::key).hasMessage("give the key with exactly one of --key HEX and --key-file FILE");
        o.keyFile = null;
        o.keyHex = "abc";
        assertThatThrownBy(o::key).hasMessageContaining("--key: an AES key is 32, 48 or 64 hex digits");
        o.keyHex = "zz" + KEY.substring(2);
        assertThatThrownBy(o::key).hasMessageContaining("--key: not hex digits");
        o.keyHex = null;
        o.keyFile = dir.resolve("missing.key");
        assertThatThrownBy(o::key).hasMessageContaining("missing.key: cannot read it");
        assertThatThrownBy(() -> NfHarness.start(encrypt("--udp-port", "x"))).hasMessageContaining("--udp-port: 'x'");
    }
}
