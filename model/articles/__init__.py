"""Article reading: passages, sentences and actors, and each actor's stance at every level.

``passages`` splits an article, ``nlp`` loads spaCy, ``actors`` finds and merges the actors
an article names, ``analysis`` puts them together through a classifier, and ``rows`` declares
the flat row schema of the results.
"""
