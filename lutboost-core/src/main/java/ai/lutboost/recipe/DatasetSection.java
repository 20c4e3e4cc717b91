package ai.lutboost.recipe;

/**
 * Which data a recipe trains on.
 *
 * @param name a dataset name known to {@code ai.lutboost.datasets.Datasets}
 * @param validationFraction part of the training files held out for validation
 * @param trainLimit at most this many training items (0: all), for quick runs and tests
 * @param testLimit at most this many test items (0: all)
 */
public record DatasetSection(String name, double validationFraction, int trainLimit, int testLimit) {}
