package ai.lutboost.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.lutboost.layer.LayerSpec;
import ai.lutboost.layer.Metric;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayerSpecResolverTest {

    private static final String BASE = String.join("\n",
            "name: t",
            "model: {arch: lenet5}",
            "lut:",
            "  defaults: {v: 4, k: 16, metric: l1, tableBits: 8}",
            "  byType:",
            "    conv2d: {v: 5, k: 32}",
            "  byName:",
            "    fc1: {k: 64, metric: chebyshev}",
            "    fc2: dense",
            "");

    private static Map<String, Block> lenetLayers() {
        Map<String, Block> layers = new LinkedHashMap<>();
        layers.put("conv1", Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(6).build());
        layers.put("conv2", Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(16).build());
        layers.put("fc1", Linear.builder().setUnits(120).build());
        layers.put("fc2", Linear.builder().setUnits(84).build());
        layers.put("fc3", Linear.builder().setUnits(10).build());
        return layers;
    }

    @Test
    void nameOverTypeOverDefaultsFieldByField() throws Exception {
        Recipe r = RecipeLoader.parse("r.yaml", BASE, List.of());
        LayerSpecResolver resolver = new LayerSpecResolver(r, lenetLayers());
        assertEquals(new LayerSpec(5, 32, Metric.L1, 8, false), resolver.specFor("conv2"));
        assertEquals(new LayerSpec(4, 64, Metric.CHEBYSHEV, 8, false), resolver.specFor("fc1"));
        assertNull(resolver.specFor("fc2"), "byName dense");
        assertNull(resolver.specFor("conv1"), "first layer dense by denseEnds");
        assertNull(resolver.specFor("fc3"), "last layer dense by denseEnds");
        assertEquals("r.yaml:8", resolver.whereOf("fc1"));
        assertEquals("r.yaml:6", resolver.whereOf("conv2"));
    }

    @Test
    void denseEndsOffAndDenseListApply() throws Exception {
        Recipe r = RecipeLoader.parse("r.yaml", BASE, List.of("lut.denseEnds=false", "lut.dense=[conv2]"));
        LayerSpecResolver resolver = new LayerSpecResolver(r, lenetLayers());
        assertEquals(new LayerSpec(5, 32, Metric.L1, 8, false), resolver.specFor("conv1"));
        assertEquals(new LayerSpec(4, 16, Metric.L1, 8, false), resolver.specFor("fc3"));
        assertNull(resolver.specFor("conv2"));
    }

    @Test
    void aLayerTheModelLacksIsNamedWithFileAndLine() throws Exception {
        Recipe r = RecipeLoader.parse("r.yaml", BASE.replace("    fc1: {k", "    fc9: {k"), List.of());
        RecipeException e = assertThrows(RecipeException.class, () -> new LayerSpecResolver(r, lenetLayers()));
        assertEquals("r.yaml:8: key 'lut.byName.fc9': expected a convertible layer of the model, one of"
                + " [conv1, conv2, fc1, fc2, fc3], found 'fc9', which the model lacks", e.getMessage());
        assertTrue(e.isBadInput());
    }

    @Test
    void badOverridesFailAtTheirLine() {
        RecipeException e = assertThrows(RecipeException.class,
                () -> RecipeLoader.parse("r.yaml", BASE.replace("fc2: dense", "fc2: sparse"), List.of()));
        assertTrue(e.getMessage().startsWith("r.yaml:9: key 'lut.byName.fc2': expected 'dense' or a mapping"), e.getMessage());
        e = assertThrows(RecipeException.class,
                () -> RecipeLoader.parse("r.yaml", BASE.replace("conv2d: {v: 5", "conv2d: {v: 0"), List.of()));
        assertEquals("r.yaml:6: key 'lut.byType.conv2d.v': expected a whole number from 1 to 4096, found 0", e.getMessage());
        e = assertThrows(RecipeException.class,
                () -> RecipeLoader.parse("r.yaml", BASE.replace("conv2d:", "lstm:"), List.of()));
        assertTrue(e.getMessage().contains("expected a layer type, one of [linear, conv2d], found 'lstm'"), e.getMessage());
    }

    @Test
    void stagesAndLutGoIntoTheCanonicalYamlAndItsDigest() throws Exception {
        Recipe a = RecipeLoader.parse("r.yaml", BASE, List.of());
        Recipe b = RecipeLoader.parse("r.yaml", BASE, List.of("stages.finetune.epochs=9"));
        assertEquals(9, b.stages().finetune().epochs());
        assertTrue(a.resolvedYaml().contains("conv2d:"), a.resolvedYaml());
        assertTrue(a.converts());
        assertTrue(!a.sha256().equals(b.sha256()));
        Recipe built = Recipe.of(a.name(), a.seed(), a.dataset(), a.model(), a.train(), a.lut(), a.stages());
        assertEquals(a.sha256(), built.sha256(), "a recipe built in code digests like the same recipe read from a file");
    }
}
