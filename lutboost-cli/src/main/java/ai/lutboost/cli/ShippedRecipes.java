package ai.lutboost.cli;

import ai.lutboost.recipe.Recipe;
import ai.lutboost.recipe.RecipeException;
import ai.lutboost.recipe.RecipeLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The recipes of the repository's {@code recipes/} folder, packed into the CLI jar so that
 * {@code --recipe fashion-lenet5} works from any directory.
 */
final class ShippedRecipes {

    static final String DEFAULT = "quickstart";
    private static final String DIR = "recipes/";

    private ShippedRecipes() {}

    /**
     * Loads a recipe given as a path or as the name of a shipped recipe.
     *
     * @param nameOrPath a file path, or a shipped recipe's name with or without {@code .yaml}
     * @param overrides {@code key=value} overrides
     * @return the recipe
     * @throws RecipeException if neither a file nor a shipped recipe has that name, or it is bad
     */
    static Recipe load(String nameOrPath, List<String> overrides) throws RecipeException {
        Path file = Path.of(nameOrPath);
        if (Files.isRegularFile(file)) {
            return RecipeLoader.load(file, overrides);
        }
        String name = nameOrPath.endsWith(".yaml") ? nameOrPath : nameOrPath + ".yaml";
        try (InputStream in = ShippedRecipes.class.getClassLoader().getResourceAsStream(DIR + name)) {
            if (in != null && !name.contains("/")) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return RecipeLoader.parse("recipes/" + name + " (shipped)", text, overrides);
            }
        } catch (IOException e) {
            throw new RecipeException("cannot read shipped recipe " + name + ": " + e.getMessage(), e);
        }
        throw new RecipeException(
                nameOrPath, null, "a recipe file or a shipped recipe name (" + String.join(", ", names()) + ")",
                "no such file or recipe");
    }

    /**
     * Lists the shipped recipes' names.
     *
     * @return the names without {@code .yaml}, sorted
     */
    static List<String> names() {
        URL marker = ShippedRecipes.class.getClassLoader().getResource(DIR + DEFAULT + ".yaml");
        if (marker == null) {
            return List.of();
        }
        try {
            URI uri = marker.toURI();
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of())) {
                    return list(fs.getPath(DIR));
                }
            }
            return list(Path.of(uri).getParent());
        } catch (IOException | URISyntaxException e) {
            return List.of(DEFAULT);
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - ".yaml".length()))
                    .sorted()
                    .toList();
        }
    }
}
