import summarizer


def test_all_is_sorted_and_importable() -> None:
    names = [n for n in summarizer.__all__ if n != "__version__"]
    assert names == sorted(names, key=str.lower) or names == sorted(names)
    for name in summarizer.__all__:
        assert hasattr(summarizer, name), name


def test_error_tree() -> None:
    for name in ["BadInputError", "ConfigurationError", "OutputValidationError", "ProviderError",
                 "PromptError", "ModelStoreError", "FixtureError", "TruncatedOutputError"]:
        assert issubclass(getattr(summarizer, name), summarizer.SummarizerError)
    assert issubclass(summarizer.TruncatedOutputError, summarizer.ProviderError)
