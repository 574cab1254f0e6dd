"""SocialGuard's bot: configuration, storage, the polling pipeline, the SLA clock and the command line."""
