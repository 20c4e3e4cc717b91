/** Benchmarks measured in one process: LUT layers against DJL's dense layers, k-means against commons-math3. */
package ai.lutboost.bench;
