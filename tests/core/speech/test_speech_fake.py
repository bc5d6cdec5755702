"""The synthesizer interface, the fake backend, the cache, the worker and voice choice."""

from __future__ import annotations

import threading

import pytest

from player.core.speech import (
    CacheKey,
    FakeSynthesizer,
    SpeechError,
    SynthCache,
    SynthesisWorker,
    SynthResult,
    Voice,
    best_voice,
)
from tests.support import Closer


def test_fake_word_times_rise_and_rate_shortens_audio() -> None:
    synth = FakeSynthesizer()
    slow = synth.synthesize("one two three four", "fake/en", 100)
    fast = synth.synthesize("one two three four", "fake/en", 400)
    assert [w.offset for w in slow.words] == [0, 4, 8, 14]
    starts = [w.start_ms for w in slow.words]
    assert starts == sorted(starts) and starts[-1] < slow.duration_ms
    assert fast.duration_ms < slow.duration_ms / 3


def test_fake_can_fail() -> None:
    synth = FakeSynthesizer(fail=lambda text: "bad" in text)
    with pytest.raises(SpeechError):
        synth.synthesize("a bad one", "fake/en", 175)


def test_cache_is_bounded_by_entries_and_bytes() -> None:
    cache = SynthCache(max_entries=2, max_bytes=1000)
    small = SynthResult(b"\0" * 100, 16000)
    for i in range(3):
        cache.put(CacheKey(str(i), "v", 175), small)
    assert len(cache) == 2 and CacheKey("0", "v", 175) not in cache
    cache.put(CacheKey("big", "v", 175), SynthResult(b"\0" * 900, 16000))
    assert cache.size_bytes <= 1000


def test_cache_drops_other_settings() -> None:
    cache = SynthCache()
    result = SynthResult(b"\0\0", 16000)
    cache.put(CacheKey("a", "v1", 175), result)
    cache.put(CacheKey("a", "v2", 175), result)
    cache.put(CacheKey("a", "v1", 200), result)
    cache.drop_other_settings("v1", 200)
    assert len(cache) == 1 and CacheKey("a", "v1", 200) in cache


def test_worker_runs_on_one_thread_and_caches(closing: Closer) -> None:
    synth = FakeSynthesizer()
    worker = closing(SynthesisWorker(synth))
    futures = [worker.request(f"text {i}", "fake/en", 175, urgent=i == 3) for i in range(5)]
    results = [f.result(5) for f in futures]
    assert all(r.pcm for r in results)
    assert synth.threads == {"speech-synthesis"}
    again = worker.request("text 1", "fake/en", 175, urgent=True)
    assert again.done() and synth.calls == 5
    worker.close()  # what is tested here: the thread ends
    assert not worker.thread.is_alive()


def test_worker_reports_failures_and_survives(closing: Closer) -> None:
    worker = closing(SynthesisWorker(FakeSynthesizer(fail=lambda t: t == "bad")))
    with pytest.raises(SpeechError):
        worker.request("bad", "fake/en", 175, urgent=True).result(5)
    assert worker.request("good", "fake/en", 175, urgent=True).result(5).pcm


def test_worker_cancels_prefetch(closing: Closer) -> None:
    gate = threading.Event()

    class Slow(FakeSynthesizer):
        def synthesize(self, text: str, voice_id: str, rate_wpm: int) -> SynthResult:
            gate.wait(5)
            return super().synthesize(text, voice_id, rate_wpm)

    worker = closing(SynthesisWorker(Slow()))
    closing(_Opener(gate))  # closed first: the worker's close never waits at the gate
    first = worker.request("first", "fake/en", 175, urgent=True)
    later = worker.request("later", "fake/en", 175, urgent=False)
    worker.cancel_prefetch()
    gate.set()
    assert first.result(5).pcm
    assert later.cancelled()


class _Opener:
    """Opens a gate on close: hand it to ``closing`` after what waits at the gate."""

    def __init__(self, gate: threading.Event) -> None:
        self.gate = gate

    def close(self) -> None:
        self.gate.set()


VOICES = [
    Voice("gmw/en-029", "English (Caribbean)", ("en-029", "en")),
    Voice("gmw/en", "English (Great Britain)", ("en-gb", "en")),
    Voice("gmw/en-US", "English (America)", ("en-us", "en")),
    Voice("roa/fr-BE", "French (Belgium)", ("fr-be", "fr")),
    Voice("roa/fr", "French (France)", ("fr-fr", "fr")),
]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "gmw/en"),
        ("en-US", "gmw/en-US"),
        ("en_us", "gmw/en-US"),
        ("en-GB", "gmw/en"),
        ("fr", "roa/fr"),
        ("fr-CA", "roa/fr"),
        ("xx", "gmw/en-029"),
    ],
)
def test_best_voice(language: str, expected: str) -> None:
    chosen = best_voice(VOICES, language)
    assert chosen is not None and chosen.id == expected


def test_best_voice_of_nothing() -> None:
    assert best_voice([], "en") is None


def test_environment_forces_a_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    from player.core.speech import NoSpeechEngine, create_synthesizer

    monkeypatch.setenv("STORY_PLAYER_SPEECH", "fake")
    assert isinstance(create_synthesizer(), FakeSynthesizer)
    monkeypatch.setenv("STORY_PLAYER_SPEECH", "none")
    with pytest.raises(NoSpeechEngine):
        create_synthesizer()
