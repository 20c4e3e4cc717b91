/**
 * The datapath graph: a frozen model lowered, block by block, to the ops the integer datapath
 * has. A {@link ai.lutboost.graph.LoweringRegistry} maps block types to their lowerings; DJL's own
 * blocks and the LUT layers are built in, the model zoo registers its blocks as a plug-in, and a
 * user's block becomes exportable the same way.
 */
package ai.lutboost.graph;
