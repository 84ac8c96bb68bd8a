"""Training: batching, the fit loop with checkpoint/resume, and evaluation helpers."""
