/** The conversion stages of DESIGN §4, one class each, run by the pipeline. */
package ai.lutboost.stage;
