"""The analysis tasks of one article: claims from the parse (:mod:`.claims`), the summary
(:mod:`.summary`: a model task, or extractive), driven by :class:`summarizer.pipeline.Summarizer`."""
