"""Talking to models: the one ask loop (:mod:`.ask`) every model task goes through, the
backends (:mod:`.backends`), versioned prompts (:mod:`.prompts`), the compact answer format
(:mod:`.wire`) and the GGUF catalogue (:mod:`.modelstore`)."""
