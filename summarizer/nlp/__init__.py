"""NLP-pipeline layer: spaCy parses and what is read from them (attribution, ...)."""
