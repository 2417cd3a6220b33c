package dev.wandb4j.emulator;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs storage URLs with HMAC-SHA256 over the object and its expiry, as S3 and GCS do. */
final class Signer {
  private final SecretKeySpec key;

  Signer() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    this.key = new SecretKeySpec(secret, "HmacSHA256");
  }

  String sign(long seq, long expiresEpochSecond) {
    return sign(String.valueOf(seq), expiresEpochSecond);
  }

  boolean verify(long seq, long expiresEpochSecond, String signature) {
    return verify(String.valueOf(seq), expiresEpochSecond, signature);
  }

  /**
   * Signs what a URL grants: an object to read ({@code "<seq>"}) or a place to write ({@code "PUT
   * <path>"}), so that a URL for one cannot be used for the other.
   */
  String sign(String subject, long expiresEpochSecond) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] sig =
          mac.doFinal((subject + "|" + expiresEpochSecond).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sig);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean verify(String subject, long expiresEpochSecond, String signature) {
    if (signature == null) {
      return false;
    }
    return MessageDigest.isEqual(
        sign(subject, expiresEpochSecond).getBytes(StandardCharsets.UTF_8),
        signature.getBytes(StandardCharsets.UTF_8));
  }
}
