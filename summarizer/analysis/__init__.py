"""The analysis tasks of one article, driven by :class:`summarizer.pipeline.Summarizer`:
claims from the parse (:mod:`.claims`, with the regex :mod:`.rules` where there is no parser),
the summary (:mod:`.summary`: a model task, or extractive), stance labels (:mod:`.stances`),
long articles split and merged (:mod:`.chunking`), and the text matching every check uses
(:mod:`.grounding`)."""
