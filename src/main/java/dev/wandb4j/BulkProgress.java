package dev.wandb4j;

import java.time.Duration;

/**
 * How far a bulk download or upload has come. Totals grow while the listing (or, for an upload, the
 * walk of the local folder) is still arriving; {@link #eta()} is known once it is complete.
 *
 * @param filesDone files finished (downloaded, skipped or failed)
 * @param filesTotal files listed so far
 * @param filesFailed files that failed
 * @param bytesDone bytes written (downloads) or sent (uploads) so far
 * @param bytesTotal bytes of the files listed so far
 * @param listingComplete whether every file has been listed
 * @param elapsed time since the bulk transfer started
 */
public record BulkProgress(
    long filesDone,
    long filesTotal,
    long filesFailed,
    long bytesDone,
    long bytesTotal,
    boolean listingComplete,
    Duration elapsed) {

  /**
   * Bytes per second since the start.
   *
   * @return the average throughput
   */
  public double bytesPerSecond() {
    double s = elapsed.toNanos() / 1e9;
    return s <= 0 ? 0 : bytesDone / s;
  }

  /**
   * The estimated time left, from the average throughput.
   *
   * @return the estimate, or {@code null} while the listing is incomplete or nothing has moved
   */
  public Duration eta() {
    double rate = bytesPerSecond();
    if (!listingComplete || rate <= 0) {
      return null;
    }
    return Duration.ofMillis((long) ((bytesTotal - bytesDone) / rate * 1000));
  }
}
