/** The staged conversion: runs stages in order, checkpoints and resumes them, and reports. */
package ai.lutboost.pipeline;
