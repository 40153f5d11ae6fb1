"""Normalization: texting shorthand is expanded, French is left French."""

import pytest

from faq.normalize import normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("y do we even need police", "why do we even need police"),
        ("me n my friend r scared", "me and my friend are scared"),
        ("il y a deux jours", "il y a deux jours"),
        ("y a un gars dans le corridor", "y a un gars dans le corridor"),
        ("je n'ai pas envie de mourir", "je n ai pas envie de mourir"),
        ("Personne n'a été blessé", "personne n a ete blesse"),
        ("", ""),
    ],
)
def test_shorthand_is_expanded_and_french_is_not(text, expected):
    assert normalize(text) == expected
