"""Voices whose dictionary is missing are neither offered nor loaded.

espeak-ng loads such a voice with a warning and then synthesizes from the previous
voice's freed dictionary: some sentences later the process crashes (found by the
GUI soak: Vietnamese (Southern), then the Xextan test voice) or leaks memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from player.core.speech import NoSpeechEngine, SpeechError
from player.core.speech.espeak import dictionary_problem, voice_dictionary


def test_the_dictionary_is_the_language_before_its_first_hyphen() -> None:
    assert voice_dictionary("name Vietnamese (Southern)\nlanguage vi-vn-x-south\n") == "vi"
    assert voice_dictionary("name Xextan\nlanguage xex\n\nphonemes pt\n") == "xex"
    # only the first language line counts; a dictionary line wins over it
    assert voice_dictionary("language nb\nlanguage no 8\ndictionary no\n") == "no"
    assert voice_dictionary("// language fr\nlanguage variant\nlanguage de\n") == "de"
    assert voice_dictionary("name Nothing\n") is None


def test_a_missing_dictionary_is_named(tmp_path: Path) -> None:
    (tmp_path / "lang" / "art").mkdir(parents=True)
    (tmp_path / "lang" / "art" / "xex").write_text("language xex\n")
    (tmp_path / "lang" / "art" / "eo").write_text("language eo\n")
    (tmp_path / "eo_dict").write_bytes(b"\0")
    assert dictionary_problem(str(tmp_path), "art/xex") == (
        "its dictionary xex_dict is not installed"
    )
    assert dictionary_problem(str(tmp_path), "art/eo") is None
    # a voice kept somewhere this check does not know is left to espeak-ng
    assert dictionary_problem(str(tmp_path), "mb/mb-de1") is None
    assert dictionary_problem(None, "art/xex") is None


def _espeak() -> object:
    from player.core.speech.espeak import EspeakSynthesizer

    try:
        return EspeakSynthesizer()
    except NoSpeechEngine:  # pragma: no cover - the CI image has it
        pytest.skip("espeak-ng is not available")


def test_every_voice_offered_has_its_dictionary() -> None:
    espeak = _espeak()
    data_dir = espeak._state.data_dir  # type: ignore[attr-defined]
    assert data_dir is not None and os.path.isdir(data_dir)
    offered = espeak.voices()  # type: ignore[attr-defined]
    assert len(offered) > 50
    for voice in offered:
        assert dictionary_problem(data_dir, voice.id) is None, voice.id
    # The wheel's data has no Xextan dictionary: the voice is refused before it is loaded.
    if not os.path.exists(os.path.join(data_dir, "xex_dict")):
        assert "art/xex" not in {v.id for v in offered}
        with pytest.raises(SpeechError, match="xex_dict"):
            espeak.synthesize("Hello.", "art/xex", 175)  # type: ignore[attr-defined]


def test_the_sequence_that_crashed_espeak_is_refused_cleanly() -> None:
    _espeak()
    script = textwrap.dedent(
        """
        from player.core.speech import SpeechError
        from player.core.speech.espeak import EspeakSynthesizer
        speech = EspeakSynthesizer()
        speech.synthesize("Melissa is 18 months old.", "aav/vi-VN-x-south", 175)
        for text in ["In prisons across Mexico, for almost 2000 children born inside.",
                     "The age varies by state.", "Among the inmates the children are seen.",
                     "She lives in the state prison in chee-wah-wah City, Mexico."]:
            try:
                speech.synthesize(text, "art/xex", 175)
            except SpeechError:
                pass
        print(len(speech.synthesize("Still speaking.", "gmw/en", 175).pcm) > 0)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "True"
