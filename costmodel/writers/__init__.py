"""The writers' tools: computed Markdown templates and the audit of a published article's figures."""
