/** The hardware generator: Verilog for a bundle's LUT layers, with testbenches fed by the engine. */
package ai.lutboost.rtl;
