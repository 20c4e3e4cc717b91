/** The root of LUTBoost: the exception family shared by every module. */
package ai.lutboost;
