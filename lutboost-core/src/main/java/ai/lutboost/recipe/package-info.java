/** Recipes: YAML files validated against a schema of known keys, resolved into records. */
package ai.lutboost.recipe;
