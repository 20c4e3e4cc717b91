/** The model zoo: LeNet-5, a small residual CNN and ViT-tiny, with stable layer names. */
package ai.lutboost.model;
