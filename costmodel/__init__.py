"""costmodel: what a voice-AI stack really costs, per call and per month, from dated price sheets."""

__version__ = "0.1.0"
