package ai.lutboost.graph;

/** The datapath's ops, each with one integer form in the simulation, the bundle and the engine. */
public enum OpKind {
    /** A LUT layer: nearest-centroid search and table lookup. */
    LUT,
    /** A dense {@code Conv2d} or {@code Linear} layer, with a batch norm folded in. */
    DENSE,
    /** Max pooling whose kernel equals its stride. */
    MAXPOOL,
    /** Global average pooling. */
    AVGPOOL,
    /** The sum of two tensors. */
    ADD,
    /** Patch grid to tokens: flatten, a class token in front, position embeddings added. */
    TOKENS,
    /** Layer normalization over each token. */
    NORM,
    /** Multi-head self-attention between query, key and value projections. */
    ATTENTION,
    /** GELU. */
    GELU,
    /** The first token of a sequence. */
    SELECT
}
