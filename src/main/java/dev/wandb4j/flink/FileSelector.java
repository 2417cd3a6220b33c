package dev.wandb4j.flink;

import java.io.Serializable;

/**
 * Chooses, from their metadata alone, which listed files the source fetches and emits. It runs in
 * the source's readers after each page of a run's files is listed and before any byte of a file
 * moves, so a file it refuses costs nothing beyond its line in the listing.
 *
 * <p>Use it for choices W&amp;B's server-side filters cannot make (a {@link
 * dev.wandb4j.FileQuery}'s name or pattern and a {@link dev.wandb4j.RunQuery}'s run filters run on
 * the server and cost less still): by size, by MIME type, by a combination of the run's tags and
 * the file's name. It must be deterministic: a job restored from a checkpoint asks it again about
 * the files after the checkpoint's position.
 */
@FunctionalInterface
public interface FileSelector extends Serializable {
  /**
   * Whether to fetch and emit a file.
   *
   * @param run the run the file belongs to
   * @param file the file
   * @return {@code true} to fetch and emit it
   */
  boolean select(RunMetadata run, FileMetadata file);
}
