import pytest

import dunning_nlp
from dunning_nlp import errors
from dunning_nlp.labels import LABELS, PRECEDENCE, Label, primary_label


def test_label_set_and_precedence():
    assert LABELS == ("reminder", "harassment", "third_party", "fraud", "other")
    assert set(PRECEDENCE) == set(LABELS)
    assert str(Label.FRAUD) == "fraud"


@pytest.mark.parametrize("labels, expected", [
    (["harassment", "third_party"], "third_party"),
    (["reminder", "fraud", "harassment"], "fraud"),
    (["other", "reminder"], "reminder"),
    (["other"], "other"),
])
def test_primary_label_follows_guide(labels, expected):
    assert primary_label(labels) == expected


def test_primary_label_rejects_unknown_and_empty():
    with pytest.raises(ValueError):
        primary_label(["spam"])
    with pytest.raises(ValueError):
        primary_label([])


@pytest.mark.parametrize("cls, builtin", [
    (errors.ModelNotFoundError, FileNotFoundError),
    (errors.ModelIntegrityError, ValueError),
    (errors.ModelCompatibilityError, RuntimeError),
    (errors.InputError, ValueError),
    (errors.UnknownFormatError, ValueError),
    (errors.ColumnError, KeyError),
    (errors.InputFileError, OSError),
    (errors.DataError, ValueError),
])
def test_every_error_has_root_and_builtin(cls, builtin):
    assert issubclass(cls, errors.DunningNLPError)
    assert issubclass(cls, builtin)
    exc = cls("boom")
    assert str(exc) == f"[{cls.code}] boom"


def test_error_codes_are_unique():
    classes = [getattr(errors, name) for name in errors.__all__]
    codes = [c.code for c in classes]
    assert len(codes) == len(set(codes))


def test_public_surface_is_exactly_all():
    import __future__
    import inspect

    public = set()
    for name, obj in vars(dunning_nlp).items():
        if name.startswith("_") or inspect.ismodule(obj) or isinstance(obj, __future__._Feature):
            continue
        module = getattr(obj, "__module__", "dunning_nlp") or "dunning_nlp"
        if isinstance(obj, (type, type(len))) or callable(obj):
            if not module.startswith("dunning_nlp"):
                continue  # imported helpers such as pathlib.Path
        public.add(name)
    lazy = {"TextNormalizer"}  # resolved on first use by the module's __getattr__ (keeps scikit-learn unloaded)
    assert public | lazy == set(dunning_nlp.__all__) - {"__version__"}
    from dunning_nlp.train.steps import TextNormalizer

    assert dunning_nlp.TextNormalizer is TextNormalizer
    with pytest.raises(AttributeError):
        dunning_nlp.NoSuchThing  # noqa: B018
