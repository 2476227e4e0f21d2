"""MkDocs plugin that renders the guide from its models and embeds the advisor quiz."""
