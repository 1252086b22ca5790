"""The page's Python: canvas pixels -> the MNIST model's input -> the recognized digit.

Pure standard library, so the same code runs in the browser (Pyodide) and under CPython.
"""
