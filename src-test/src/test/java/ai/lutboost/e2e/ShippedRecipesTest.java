package ai.lutboost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.lutboost.datasets.DatasetDescriptor;
import ai.lutboost.datasets.Datasets;
import ai.lutboost.layer.AbstractLutBlock;
import ai.lutboost.layer.LutConverter;
import ai.lutboost.model.ModelZoo;
import ai.lutboost.recipe.LayerSpecResolver;
import ai.lutboost.recipe.Recipe;
import ai.lutboost.recipe.RecipeLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every recipe in recipes/ parses, resolves and builds its model, and a recipe with a lut section
 * converts it (every named layer exists, every v divides its layer), so a bad key fails CI.
 */
class ShippedRecipesTest {

    static List<Path> shipped() throws Exception {
        Path dir = Path.of(System.getProperty("lutboost.recipes", "../recipes"));
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void everyShippedRecipeResolvesAndBuilds() throws Exception {
        List<Path> recipes = shipped();
        assertTrue(recipes.size() >= 4, "recipes/ holds " + recipes);
        for (Path file : recipes) {
            Recipe r = RecipeLoader.load(file, List.of());
            assertEquals(file.getFileName().toString(), r.name() + ".yaml", "a recipe's name is its file name");
            DatasetDescriptor d = Datasets.byName(r.dataset().name());
            try (NDManager manager = NDManager.newBaseManager()) {
                Block block = ModelZoo.build(r.model(), d);
                block.initialize(manager, DataType.FLOAT32, new Shape(1, d.channels(), d.height(), d.width()));
                assertTrue(ModelZoo.trainableParameters(block) > 10_000, file + " builds a real model");
                if (r.converts()) {
                    LutConverter converter = LutConverter.withDefaults();
                    LayerSpecResolver resolver = new LayerSpecResolver(r, converter.convertible(block));
                    Map<String, Block> converted = converter.convert(manager, block, (path, b) -> resolver.specFor(path));
                    assertTrue(converted.size() >= 3, file + " converts " + converted.keySet());
                    for (Block lut : converted.values()) {
                        assertTrue(((AbstractLutBlock) lut).getSpec().bitsPerActivation() <= 1.0, file + ": at most 1 bit");
                    }
                }
            }
        }
    }
}
