package io.vigil.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.config.AuthMethod;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reference §9.1: the HBauth plugins' outputs, byte for byte. */
class AuthDigestTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SHA1 | HI!    | abc | b690ede6968b829ac849b1d4e7df2b88de7d8e4a",
            "SHA1 | HI!    | ''  | 3408a27dd7b8673ff78377b18e5a85c6f0b061e8",
            "MD5  | Hello! | abc | 518572490fe8a479aeb802e80817a0dd",
            "MD5  | Hello! | ''  | 920a473e890186da1d457f714938302f",
            "CRC  | ''     | abc | d3e8c673",
            "CRC  | ''     | ''  | ffffffff",
            "CRC  | ''     | 123456789 | 765e7680",
            // RFC 4231 test case 2 for the Vigil extension.
            "SHA256 | Jefe | what do ya want for nothing? | 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    })
    void pluginVectors(AuthMethod method, String key, String data, String expected) {
        assertEquals(expected, AuthDigest.digest(method, ascii(key), ascii(data)));
    }

    @Test
    void crcOverAllByteValues() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        assertEquals("53eb78da", AuthDigest.digest(AuthMethod.CRC, new byte[0], all));
    }

    @Test
    void crcIsPrintedWithoutLeadingZeros() {
        // Search a short input whose CRC has a leading zero nibble, and check it prints like %lx.
        for (int i = 0; i < 10_000; i++) {
            byte[] data = ascii(Integer.toString(i));
            long crc = AuthDigest.crc(data, 0, data.length);
            if (crc < 0x10000000L) {
                String printed = AuthDigest.digest(AuthMethod.CRC, new byte[0], data);
                assertEquals(Long.toHexString(crc), printed);
                assertEquals(false, printed.startsWith("0"));
                return;
            }
        }
        throw new AssertionError("no short input with a small CRC found");
    }

    @Test
    void crcOfASliceEqualsCrcOfTheCopy() {
        byte[] data = ascii("xx123456789yy");
        assertEquals("765e7680", AuthDigest.digest(AuthMethod.CRC, new byte[0], data, 2, 9));
    }

    @ParameterizedTest
    @CsvSource({"SHA1, HmacSHA1, SHA-1", "MD5, HmacMD5, MD5"})
    void longKeysAreHashedFirstAsInRfc2104(AuthMethod method, String hmac, String hash) throws Exception {
        byte[] longKey = ascii("K".repeat(100));
        Mac mac = Mac.getInstance(hmac);
        mac.init(new SecretKeySpec(MessageDigest.getInstance(hash).digest(longKey), hmac));
        String expected = HexFormat.of().formatHex(mac.doFinal(ascii("abc")));
        assertEquals(expected, AuthDigest.digest(method, longKey, ascii("abc")));
    }
}
