/**
 * An Apache Flink source for the files of a W&amp;B project's runs: {@link
 * dev.wandb4j.flink.WandbFilesSource}.
 *
 * <p>Flink is a provided dependency of wandb4j: a job that uses this package runs on Flink 2.x,
 * whose {@code flink-core} and {@code flink-connector-base} are on its class path; applications
 * that do not use Flink get nothing from it.
 */
package dev.wandb4j.flink;
