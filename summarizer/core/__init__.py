"""The core layer: the types and plumbing every other layer shares, importing nothing above.

:mod:`.document` (the article, its sentences with exact offsets), :mod:`.models` (the output
models, the JSON contract), :mod:`.errors` (the error tree), :mod:`.settings`, :mod:`.files`
(private files), :mod:`.inputs` (reading articles: files, stdin, HTML), :mod:`.language`,
:mod:`.progress` (stage names), :mod:`.pricing` (token prices).
"""
