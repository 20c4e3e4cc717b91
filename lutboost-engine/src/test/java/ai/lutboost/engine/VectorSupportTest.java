package ai.lutboost.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The build runs the engine's tests with {@code jdk.incubator.vector} and again without it; each
 * run says which loops it expects, so that neither can pass on the other's.
 */
class VectorSupportTest {

    @Test
    void theLoopsFollowTheModule() {
        boolean expected = Boolean.parseBoolean(System.getProperty("lutboost.test.vectorLoops", "true"));
        assertEquals(expected, ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "jdk.incubator.vector resolved");
        assertEquals(expected ? "vector" : "scalar", VectorSupport.loops());
    }
}
