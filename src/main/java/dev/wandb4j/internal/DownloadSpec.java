package dev.wandb4j.internal;

import java.util.function.LongConsumer;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * What a download does with an existing target, what it checks, and whom it tells.
 *
 * @param replace replace an existing target
 * @param existOk accept an existing target as it is
 * @param verifyChecksum check the MD5
 * @param sync keep a target with the same size and MD5, replace any other
 * @param durable force the file and its folder to disk before reporting success
 * @param progress the user's progress callback, called off the I/O threads; or {@code null}
 * @param written hears the bytes on disk grow, on I/O threads, and must be quick; or {@code null}
 * @param stop ends the download, its part file removed first, when it completes; or {@code null}
 * @param journal the folder's record of completed files, consulted and kept with {@code sync}; or
 *     {@code null}
 * @param verifyExisting with {@code sync}, hash an existing file even if the journal has it
 */
public record DownloadSpec(
    boolean replace,
    boolean existOk,
    boolean verifyChecksum,
    boolean sync,
    boolean durable,
    Progress progress,
    LongConsumer written,
    Mono<Void> stop,
    Journal journal,
    boolean verifyExisting) {

  /** Receives progress. */
  @FunctionalInterface
  public interface Progress {
    /**
     * Reports progress.
     *
     * @param written bytes written so far
     * @param total the file's size
     * @param context the context of the download's subscriber
     */
    void update(long written, long total, ContextView context);
  }
}
