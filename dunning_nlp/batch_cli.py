"""Placeholder replaced by the batch command (issue 3)."""
def add_batch_parser(sub):
    return None
