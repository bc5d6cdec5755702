"""Playback: the interface views drive, and its implementation over a synthesizer."""
