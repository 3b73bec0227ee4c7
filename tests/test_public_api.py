import types

import summarizer


def test_error_tree() -> None:
    for name in ["BadInputError", "ConfigurationError", "OutputValidationError", "ProviderError",
                 "PromptError", "ModelStoreError", "FixtureError", "TruncatedOutputError"]:
        assert issubclass(getattr(summarizer, name), summarizer.SummarizerError)
    assert issubclass(summarizer.TruncatedOutputError, summarizer.ProviderError)


def test_all_imports_are_exported() -> None:
    """Like httpx's tests/test_exported_members.py: ``__all__`` is exactly the package's public
    namespace, sorted (submodules aside: ``summarizer.core``, ``summarizer.llm``, ... are the
    layers, imported by path). The names are imported on first use (PEP 562), so each is
    looked up first."""
    included_private_members = ["__version__"]
    for name in summarizer.__all__:
        getattr(summarizer, name)
    assert summarizer.__all__ == sorted(
        name
        for name, value in vars(summarizer).items()
        if (not name.startswith("_") or name in included_private_members)
        and not isinstance(value, types.ModuleType)
    )


def test_users_can_pass_their_own_backend() -> None:
    from summarizer.llm.backends.base import Backend
    from summarizer.llm.backends.fake import FakeBackend

    assert summarizer.Backend is Backend and isinstance(FakeBackend(), summarizer.Backend)


def test_version_comes_from_the_package_metadata() -> None:
    from importlib.metadata import version

    assert summarizer.__version__ == version("summarizer")
