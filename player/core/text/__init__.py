"""Text rules: sentence and word splitting, and what is spoken for what is shown."""
