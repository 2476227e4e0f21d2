"""MkDocs plugin that renders the guide from its models and embeds the advisor quiz."""

import logging

#: The plugin's logger, under ``mkdocs``: ``mkdocs build --strict`` (and ProperDocs, which adopts
#: it) counts its warnings. Its messages start with ``advisor:`` themselves (MkDocs'
#: ``get_plugin_logger`` would prefix the module's package as well: "plugin: advisor: ...").
log = logging.getLogger("mkdocs.plugins.advisor")
