"""Export: the trained Keras model to a TF.js graph model in site/model/, and the web runtime."""
