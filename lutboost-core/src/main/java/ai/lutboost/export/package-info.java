/**
 * Table bundles (DESIGN §6): what hardware teams and the engine read. {@link
 * ai.lutboost.export.TableBundleWriter} writes an {@link ai.lutboost.quant.IntegerModel} with its
 * golden vectors, atomically and byte-for-byte reproducibly; {@link
 * ai.lutboost.export.TableBundleReader} reads one back for the integer simulation.
 */
package ai.lutboost.export;
