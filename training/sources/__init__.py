"""Per-dataset loaders mapping public labelled corpora onto the seven moderation categories."""
