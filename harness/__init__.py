"""The real site served, Chromium launched, the page driven.

What the tests, the benchmarks and scripts/screenshots.py share: a loopback server for the
real app (server), headless Chromium (browser), the page's ready and error states and its
answers (page), digits drawn as a person draws them (drawing), the stored Python snapshot
(snapshot), and the page's own recognizer client driven directly (recognizer). Tools import
this package, never tests/, so editing a test cannot change a benchmark's figures.
"""
