"""Platform connectors: fetch comments and mentions, and carry out approved moderation actions."""
