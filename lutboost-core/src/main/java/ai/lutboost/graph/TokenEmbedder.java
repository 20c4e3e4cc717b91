package ai.lutboost.graph;

import ai.djl.ndarray.NDArray;

/** A block that turns a patch grid into tokens: a class token in front, position embeddings added. */
public interface TokenEmbedder {

    /**
     * Returns the class token.
     *
     * @return {@code [1, 1, D]}
     */
    NDArray classToken();

    /**
     * Returns the position embeddings, the class token's first.
     *
     * @return {@code [1, T, D]}
     */
    NDArray positionEmbedding();

    /**
     * Embeds a patch grid as the float model does.
     *
     * @param patches {@code [B, D, H, W]}
     * @return the tokens {@code [B, H W + 1, D]}
     */
    NDArray embed(NDArray patches);
}
