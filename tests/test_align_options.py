"""Aligner settings given by name: checked against their field's type, before any work."""

from __future__ import annotations

import pytest

from bitext import AlignConfig, align_sentences
from bitext.align import check_options
from bitext.align.options import coerce


def test_values_become_their_fields_type():
    config = check_options(
        {
            "knn": 4.0,
            "bead_types": [[1, 1], [1, 2]],
            "length_factor": 1,
            "pair_weights": [5, 0],
            "skip_scale": None,
            "margin": 1,
        }
    )
    assert config.knn == 4 and isinstance(config.knn, int)
    assert config.bead_types == ((1, 1), (1, 2))
    assert config.length_factor is True
    assert config.pair_weights == (5.0, 0.0)
    assert config.skip_scale is None
    assert config.margin == 1.0 and isinstance(config.margin, float)
    # An equal value of another type makes an equal config (a batch's settings identity).
    assert check_options({"knn": 4.0}) == check_options({"knn": 4}) == AlignConfig()


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"knn": 2.5}, "knn must be a whole number, not 2.5"),
        ({"band_width": "2"}, "band_width must be a whole number"),
        ({"margin": "x"}, "margin must be a number, not 'x'"),
        ({"refine_threshold": None}, "refine_threshold must be a number, not None"),
        ({"length_factor": 2}, "length_factor must be True or False"),
        ({"pair_weights": 5}, "pair_weights must be a list of numbers"),
        ({"bead_types": 5}, "bead_types must include (1, 1)"),
        ({"bead_types": [(1, 1), (1, 0)]}, "bead_types must include (1, 1)"),
        ({"bead_types": [(1, 1), (1, 2.5)]}, "bead_types must include (1, 1)"),
        ({"knn": True}, "knn must be a whole number, not True"),
        ({"refine_weight": -1}, "refine_weight must not be negative"),
    ],
)
def test_bad_values_are_refused_by_name(options, problem):
    with pytest.raises(ValueError) as info:
        check_options(options)
    assert problem in str(info.value)
    with pytest.raises(ValueError):
        align_sentences(["你好。"], ["Hello."], **options)


def test_a_config_built_by_hand_gets_the_same_checks():
    with pytest.raises(ValueError, match="knn must be a whole number"):
        align_sentences(["你好。"], ["Hello."], config=AlignConfig(knn=2.5))  # type: ignore[arg-type]


def test_a_field_of_a_new_type_needs_a_check():
    with pytest.raises(TypeError, match="no check for values of type"):
        coerce("x", "dict[str, int]", {})
