/** The toolkit as a pipeline calls it: {@link ai.lutboost.api.LutBoost#convert}, then export and verify. */
package ai.lutboost.api;
