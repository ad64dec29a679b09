"""Report stage: the analysis as Markdown, JSON and a terminal view."""
