package ai.lutboost.engine;

/**
 * The bundle's manifest vocabulary in one place, for the writer, the simulation's reader and this
 * engine's loader: the format version and the op types with their names and operand counts. A
 * reader switches over {@link OpType}, so a new op type does not compile until every reader
 * handles it. docs/datapath.md (manifest schema) gives each op's fields.
 */
public final class BundleSchema {

    /** The format version written to, and required in, {@code manifest.json}'s {@code formatVersion}. */
    public static final int FORMAT_VERSION = 1;

    private BundleSchema() {}

    /** The ops of this format version. */
    public enum OpType {
        /** A LUT layer on a vector. */
        LUT_LINEAR("lut_linear", 1),
        /** A LUT layer on image patches. */
        LUT_CONV2D("lut_conv2d", 1),
        /** A dense int8 layer on a vector. */
        LINEAR("linear", 1),
        /** A dense int8 layer on image patches. */
        CONV2D("conv2d", 1),
        /** Max pooling, kernel equal to stride. */
        MAXPOOL2D("maxpool2d", 1),
        /** Global average pooling by a multiplier and a shift. */
        GLOBAL_AVGPOOL2D("global_avgpool2d", 1),
        /** The saturated sum of two tensors. */
        ADD("add", 2),
        /** Patch grid to tokens with class token and position embeddings. */
        TOKENS("tokens", 1),
        /** Integer layer normalization per token. */
        LAYER_NORM("layer_norm", 1),
        /** Multi-head self-attention between query, key and value. */
        ATTENTION("attention", 3),
        /** The integer GELU. */
        GELU("gelu", 1),
        /** One token of a sequence. */
        SELECT_TOKEN("select_token", 1);

        private final String manifestName;
        private final int operands;

        OpType(String manifestName, int operands) {
            this.manifestName = manifestName;
            this.operands = operands;
        }

        /**
         * Returns the op's name in the manifest's {@code op} field.
         *
         * @return the name
         */
        public String manifestName() {
            return manifestName;
        }

        /**
         * Returns how many tensors the op reads.
         *
         * @return the length of its {@code inputs}
         */
        public int operands() {
            return operands;
        }

        /**
         * Returns whether the op reads image patches.
         *
         * @return whether it carries convolution geometry
         */
        public boolean isConv() {
            return this == LUT_CONV2D || this == CONV2D;
        }

        /**
         * Finds an op type by its manifest name.
         *
         * @param manifestName the {@code op} field's value
         * @return the type, or {@code null} if this format version has no such op
         */
        public static OpType of(String manifestName) {
            for (OpType t : values()) {
                if (t.manifestName.equals(manifestName)) {
                    return t;
                }
            }
            return null;
        }
    }
}
