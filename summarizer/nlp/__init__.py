"""The linguistic layer: spaCy pipelines from PyPI (:mod:`.models`), one parse per article
(:mod:`.parse`) and who-said-what from the parse (:mod:`.attribution`)."""
