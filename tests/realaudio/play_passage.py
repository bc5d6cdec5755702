"""Plays a short passage through the Qt audio output and prints what it queued, as JSON.

Run as a child process by the real-audio test so that Qt connects to the sound
server the test chose (Qt's PulseAudio connection is made once per process).
"""

from __future__ import annotations

import contextlib
import json
import sys
import time

from PySide6.QtCore import QCoreApplication

from player.core.playback import AudioOutput, PlaybackSettings, create_playback
from player.core.playback.timeline import pause_after
from player.core.speech import create_synthesizer
from player.qtaudio import qt_output_factory
from tests.core.speech.speechkit import Recorder, make_story, sounding_ms

PASSAGE = (("Every morning the boats went out before dawn.", "Most of them came back by noon."),)


def main() -> int:
    app = QCoreApplication(sys.argv[:1])
    recorder = Recorder()
    outputs: list[AudioOutput] = []

    def factory(rate: int) -> AudioOutput:
        outputs.append(qt_output_factory(rate))
        return outputs[-1]

    # closed however this ends, before the application goes
    with contextlib.closing(
        create_playback(
            make_story(PASSAGE),
            factory,
            synthesizer=create_synthesizer(),
            settings=PlaybackSettings(rate=220),
            listeners=(recorder,),
        )
    ) as playback:
        start = time.perf_counter()
        playback.play()
        finished = recorder.wait_for(recorder.finished, 30)
        elapsed = time.perf_counter() - start
        # what was queued: both sentences, with a pause between them
        synth = create_synthesizer()
        results = [synth.synthesize(text, playback.voice, 220) for text in PASSAGE[0]]
        pause = pause_after(playback.story, 0, 220)
    del app
    print(
        json.dumps(
            {
                "finished": finished,
                "elapsed_s": elapsed,
                "sentence_ms": [r.duration_ms for r in results],
                # how long each sounds, measured as the test measures the recording
                "sounding_ms": [sounding_ms(r.pcm, r.sample_rate) for r in results],
                "messages": recorder.messages(),
                "qt_output": bool(outputs),
                "pause_ms": pause,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
