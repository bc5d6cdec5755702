"""The core: story model and format, text rules, navigation, speech, settings. No Qt here."""
