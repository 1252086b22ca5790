"""Training: load MNIST, build the product's CNN, train, evaluate, save model and metrics."""
