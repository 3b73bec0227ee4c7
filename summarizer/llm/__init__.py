"""Talking to models: the one ask loop (:mod:`.ask`) every model task goes through."""
