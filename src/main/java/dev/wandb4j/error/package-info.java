/**
 * The exceptions wandb4j signals: {@link dev.wandb4j.error.WandbException} and one subclass for
 * each thing a caller may want to do differently.
 */
package dev.wandb4j.error;
