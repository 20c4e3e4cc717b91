package ai.lutboost.quant;

import ai.lutboost.graph.RoundedAdd;
import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.AddRounding;
import java.util.Map;

/**
 * The grids the datapath rounds to that the frozen float model can round to as well, calibrated
 * as the export calibrates them.
 *
 * @param lutInputs each LUT layer's input format, in graph order
 * @param adds each rounded add's grids, in graph order
 */
public record DatapathGrids(Map<AbstractLutBlock, FixedPointFormat> lutInputs, Map<RoundedAdd, AddRounding> adds) {}
