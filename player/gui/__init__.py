"""The Qt layer: window, widgets, audio output and the signals that carry core events."""
