/** Baseline training: the loop, resumable optimizers, atomic checkpoints and metrics. */
package ai.lutboost.training;
