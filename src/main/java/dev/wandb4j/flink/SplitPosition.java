package dev.wandb4j.flink;

/** A run's position as its reader emits records: the mutable state behind a {@link RunSplit}. */
final class SplitPosition {
  private final RunMetadata run;
  private String cursor;
  private int skip;

  SplitPosition(RunSplit split) {
    this.run = split.run();
    this.cursor = split.cursor();
    this.skip = split.skip();
  }

  void advance(String cursor, int skip) {
    this.cursor = cursor;
    this.skip = skip;
  }

  RunSplit toSplit() {
    return new RunSplit(run, cursor, skip);
  }
}
