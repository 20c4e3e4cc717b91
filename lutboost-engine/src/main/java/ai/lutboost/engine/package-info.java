/**
 * The bit-exact integer inference engine: the accelerator's fixed-point datapath in plain Java.
 * It imports only {@code java.*} (a test enforces it), so hardware teams can embed it without DJL.
 */
package ai.lutboost.engine;
