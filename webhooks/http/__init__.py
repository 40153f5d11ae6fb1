"""HTTP plumbing shared by the channels: input checks, error handlers, rate limits."""
