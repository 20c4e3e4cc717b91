/** The {@code lutboost} command line: a thin picocli layer over library calls. */
package ai.lutboost.cli;
