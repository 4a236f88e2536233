"""Scheduled and queued work (issue 18): the registry domains declare their jobs in, the
runner that runs each occurrence once however many processes run, and the record of runs."""
