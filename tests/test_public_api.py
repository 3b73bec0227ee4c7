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


def test_exported_members_are_the_public_namespace() -> None:
    """Like httpx's test_exported_members: every public name of the package is exported, and
    nothing else (submodules and names starting with '_' aside)."""
    import types

    public = {name for name, value in vars(summarizer).items()
              if not name.startswith("_") and not isinstance(value, types.ModuleType)
              and name != "annotations"}  # from __future__ import annotations
    exported = set(summarizer.__all__) - {"__version__"}
    assert public == exported


def test_version_comes_from_the_package_metadata() -> None:
    from importlib.metadata import version

    assert summarizer.__version__ == version("summarizer")
