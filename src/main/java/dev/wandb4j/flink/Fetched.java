package dev.wandb4j.flink;

/**
 * A record as the split reader hands it to the reader, with the run's position after it.
 *
 * @param record the record to emit
 * @param cursor the cursor the position continues after
 * @param skip files after the cursor that are behind the position
 */
record Fetched(WandbFileRecord record, String cursor, int skip) {}
