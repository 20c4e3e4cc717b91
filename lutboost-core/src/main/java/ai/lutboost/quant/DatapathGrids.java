package ai.lutboost.quant;

import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.AddRounding;
import ai.lutboost.model.ResidualBlock;
import java.util.Map;

/**
 * The grids the datapath rounds to that the frozen float model can round to as well, calibrated
 * as the export calibrates them.
 *
 * @param lutInputs each LUT layer's input format, in graph order
 * @param adds each residual block's add grids, in graph order
 */
public record DatapathGrids(Map<AbstractLutBlock, FixedPointFormat> lutInputs, Map<ResidualBlock, AddRounding> adds) {}
