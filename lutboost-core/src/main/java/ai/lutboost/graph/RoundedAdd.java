package ai.lutboost.graph;

import ai.lutboost.layer.AddRounding;

/**
 * A block whose add the freeze stage makes round as the datapath does: it calibrates the grids
 * and hands them over, and the block's forward pass adds on them from then on.
 */
public interface RoundedAdd {

    /**
     * Returns the add's grids.
     *
     * @return the grids, or {@code null} while the add is exact
     */
    AddRounding getAddRounding();

    /**
     * Makes the add round on the given grids, or exact again.
     *
     * @param rounding the grids, or {@code null} for an exact add
     */
    void setAddRounding(AddRounding rounding);
}
