/**
 * wandb4j: a reactive, non-blocking client for the Weights &amp; Biases Files API.
 *
 * <p>Start at {@link dev.wandb4j.WandbClient#builder()}. Everything under {@code
 * dev.wandb4j.internal} is an implementation detail and may change without notice.
 */
package dev.wandb4j;
