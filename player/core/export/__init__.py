"""Exporting a story for other players: the synthesized audio with its sentence times,
MP3 encoding and tags, and EPUB 3 talking books with Media Overlays. Nothing here imports Qt."""
