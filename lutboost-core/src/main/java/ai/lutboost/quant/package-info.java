/** Fixed-point formats and the quantization of tables, centroids and activations. */
package ai.lutboost.quant;
