/**
 * Co-design space exploration (DESIGN §8): what a LUT layer costs in memory, operations, energy
 * and cycles, against the dense int8 and float32 layers it replaces. The constants and their
 * sources are in {@code docs/cost-model.md}.
 */
package ai.lutboost.dse;
