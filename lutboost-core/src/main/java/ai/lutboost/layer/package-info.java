/** Trainable lookup-table layers: nearest-centroid search plus a table lookup, on DJL. */
package ai.lutboost.layer;
