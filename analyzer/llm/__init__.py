"""The model stage: a local GGUF model rewrites prose sections, validated, cached."""
